package dev.freshet.app.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.freshet.app.api.ApiFixture.T0;
import static dev.freshet.app.api.ApiFixture.click;
import static dev.freshet.app.api.ApiFixture.lookup;
import static org.assertj.core.api.Assertions.assertThat;

/** Nothing a client sends crashes the server or leaves it broken: every garbage body is a 4xx, and lookups keep working. */
class GarbageTest {

    static final int MAX_BYTES = 64 * 1024;
    static final String GOOD = lookup("\"user_activity:clicks_total\"", "\"user_id\": [\"u1\"]");

    @TempDir
    static Path dir;

    static ApiFixture api;
    static String goodAnswer;
    static final List<byte[]> pushed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startApi() {
        // pushes are parsed and checked for real; a valid one would land in this list
        api = ApiFixture.start(ApiFixture.yaml("{type: rocksdb, path: \"" + dir.resolve("online") + "\"}", "", 100, MAX_BYTES),
                b -> b.push((topic, values) -> pushed.addAll(values)));
        api.write(click("u1", "i1", 2.0, T0 + 10_000));
        api.clock.set(T0 + 60_000);
        goodAnswer = api.post("/get-online-features", GOOD).body();
        assertThat(goodAnswer).contains("\"values\":[1]");
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Test
    void randomBytesAreAnswered400() {
        SplittableRandom random = new SplittableRandom(20261121);
        for (int i = 0; i < 300; i++) {
            byte[] body = new byte[random.nextInt(0, 2_000)];
            for (int b = 0; b < body.length; b++) {
                body[b] = (byte) random.nextInt(256);
            }
            for (String path : List.of("/get-online-features", "/push")) {
                HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                assertThat(r.statusCode()).as("%s, body %d", path, i).isEqualTo(400);
                assertThat(JsonTree.object(r.body())).containsKey("error");
            }
        }
        assertStillServes();
    }

    @Test
    void mutatedRequestsAreAnswered4xx() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        List<Integer> statuses = new ArrayList<>();
        String chars = " {}[]\",:0-9e.\\nulltrue\u0000\u00ff";
        for (int i = 0; i < 500; i++) {
            byte[] body = good.clone();
            for (int k = random.nextInt(1, 4); k > 0; k--) {
                body[random.nextInt(body.length)] = (byte) chars.charAt(random.nextInt(chars.length()));
            }
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri("/get-online-features"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            statuses.add(r.statusCode());
            assertThat(r.statusCode()).as(new String(body, StandardCharsets.UTF_8)).isIn(200, 400);
        }
        assertThat(statuses).contains(400);
        assertStillServes();
    }

    @Test
    void deepNestingHugeNumbersAndLongStringsAreRefused() {
        List<String> bodies = List.of(
                "[".repeat(50_000),
                "{\"features\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}",
                "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [" + "9".repeat(5_000) + "]}}",
                "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [1e999999]}}",
                "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [-9223372036854775809]}}",
                "{\"features\": [\"" + "v".repeat(40_000) + ":x\"], \"entities\": {}}",
                "{\"" + "k".repeat(20_000) + "\": 1}",
                "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [\"\u0000\"]}, \"full_feature_names\": nul}",
                "\u0000\u0000\u0000",
                "   ",
                "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [\"u1\"]}",
                "{\"push_source_name\": \"clicks\", \"df\": {\"user_id\": " + "[".repeat(1000) + "}}");
        for (String body : bodies) {
            for (String path : List.of("/get-online-features", "/push")) {
                HttpResponse<String> r = api.post(path, body);
                assertThat(r.statusCode()).as(path + " " + body.substring(0, Math.min(80, body.length()))).isIn(400, 413);
                assertThat(JsonTree.object(r.body())).containsKey("error");
            }
        }
        HttpResponse<String> invalidUtf8 = api.send(HttpRequest.newBuilder(api.uri("/get-online-features"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'})));
        assertThat(invalidUtf8.statusCode()).isEqualTo(400);
        assertThat(pushed).isEmpty();
        assertStillServes();
    }

    @Test
    void bytesThatAreNotHttpDoNotBreakTheServer() throws IOException {
        List<String> junk = List.of(
                "\u0000\u0001\u0002GARBAGE\r\n\r\n",
                "GET / HTTP/9.9\r\n\r\n",
                "POST /get-online-features HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
                "POST /get-online-features HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
                "POST /get-online-features HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(20_000) + "\r\n\r\n",
                "POST /get-online-features HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"features\"");
        for (String bytes : junk) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.server.port())) {
                s.setSoTimeout(5_000);
                OutputStream out = s.getOutputStream();
                out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                s.shutdownOutput();
                String answer = readAll(s.getInputStream());
                if (!answer.isEmpty()) {
                    assertThat(answer).as(bytes.substring(0, Math.min(60, bytes.length()))).startsWith("HTTP/")
                            .doesNotStartWith("HTTP/1.1 500").doesNotStartWith("HTTP/1.1 200");
                }
            }
        }
        assertStillServes();
    }

    @Test
    void aClientThatLeavesHalfwayDoesNotBreakTheServer() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.server.port())) {
                s.getOutputStream().write(("POST /get-online-features HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{\"feat")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertStillServes();
        assertThat(api.get("/metrics").body()).doesNotContain("status=\"500\"");
    }

    private static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException reset) {
            return ""; // closed by the server without an answer: fine for bytes that are not HTTP
        }
    }

    static void assertStillServes() {
        HttpResponse<String> r = api.post("/get-online-features", GOOD);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(goodAnswer);
    }
}
