package dev.freshet.app.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link LookupBodyScanner} against jackson's reading of the same bodies ({@link LookupRequest#parseWithParser}):
 * whatever the scanner reads must be exactly what the parser reads, and the usual bodies must be read by it.
 */
class LookupBodyScannerTest {

    private static final int MAX = 100;

    private static final List<String> USUAL = List.of(
            "{\"features\":[\"user_activity:clicks_5m\",\"user_activity:spend_1h\"],\"entities\":{\"user_id\":[\"u1\"]}}",
            "{\"features\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": [\"u1\", \"u2\"]}, \"full_feature_names\": true}",
            " {\n\t\"entities\" : { \"user_id\" : [ 17 , -4 , 0 , 123456789012345678 ] } ,\r\n \"features\" : [ \"a:b\" ] } \n",
            "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[]},\"full_feature_names\":null}",
            "{\"features\":[\"v:f\",\"v:f\"],\"full_feature_names\":false,\"entities\":{\"user_id\":[\"a b\"],\"item_id\":[\"i-1\"]}}",
            "{\"features\":[\"  v : f \"],\"entities\":{\"user_id\":[\"~!@#$%^&*()_+{}|:<>?[];',./`\"]}}");

    @Test
    void readsTheUsualBodiesAsTheParserDoes() {
        for (String body : USUAL) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            LookupRequest fast = LookupBodyScanner.read(bytes, MAX);
            assertThat(fast).as("read by the scanner: %s", body).isNotNull();
            assertThat(describe(fast)).as(body).isEqualTo(describe(LookupRequest.parseWithParser(bytes, MAX)));
        }
    }

    @Test
    void leavesEverythingElseToTheParser() {
        List<String> others = List.of(
                "", "[]", "{}", "{\"features\":[],\"entities\":{\"user_id\":[\"u1\"]}}",
                "{\"features\":[\"v:f\"],\"entities\":{}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]},\"extra\":1}",
                "{\"features\":[\"v:f\"],\"features\":[\"v:g\"],\"entities\":{\"user_id\":[\"u1\"]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"],\"user_id\":[\"u2\"]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"\\u0075\"]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"é\"]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[007]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[-0]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[1.5]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[1e3]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[1234567890123456789]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[null]}}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]}} {}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]},}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]},\"full_feature_names\":nullx}",
                "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]},\"full_feature_names\":1}");
        for (String body : others) {
            assertThat(LookupBodyScanner.read(body.getBytes(StandardCharsets.UTF_8), MAX)).as(body).isNull();
        }
    }

    /** A feature list sent again is the list read the first time (kept by its bytes); any other list is read afresh. */
    @Test
    void aFeatureListSentAgainIsTheListReadBefore() {
        LookupRequest first = scan("{\"features\":[\"v:f\",\"v:g\"],\"entities\":{\"user_id\":[\"u1\"]}}");
        LookupRequest second = scan("{ \"entities\": {\"user_id\": [\"u2\"]}, \"features\":[\"v:f\",\"v:g\"] }");
        assertThat(second.features()).isSameAs(first.features()).containsExactly("v:f", "v:g");
        assertThatThrownBy(() -> first.features().add("v:h")).isInstanceOf(UnsupportedOperationException.class);

        // a byte more, less or different is another list, read as such
        assertThat(scan("{\"features\":[\"v:f\", \"v:g\"],\"entities\":{\"user_id\":[\"u1\"]}}").features())
                .isNotSameAs(first.features()).containsExactly("v:f", "v:g");
        assertThat(scan("{\"features\":[\"v:f\",\"v:gg\"],\"entities\":{\"user_id\":[\"u1\"]}}").features())
                .containsExactly("v:f", "v:gg");
        assertThat(scan("{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"u1\"]}}").features()).containsExactly("v:f");
        assertThat(LookupBodyScanner.read("{\"features\":[\"v:f\",\"v:g\"".getBytes(StandardCharsets.UTF_8), MAX)).isNull();
        // more lists than are kept, then each again: every one read as sent
        for (int round = 0; round < 2; round++) {
            for (int n = 0; n < 20; n++) {
                assertThat(scan("{\"features\":[\"v:f" + n + "\",\"v:g\"],\"entities\":{\"user_id\":[\"u1\"]}}").features())
                        .containsExactly("v:f" + n, "v:g");
            }
        }
    }

    private static LookupRequest scan(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        LookupRequest request = LookupBodyScanner.read(bytes, MAX);
        assertThat(request).as("read by the scanner: %s", body).isNotNull();
        assertThat(describe(request)).as(body).isEqualTo(describe(LookupRequest.parseWithParser(bytes, MAX)));
        return request;
    }

    @Test
    void leavesTooManyIdsToTheParserWhichAnswers413() {
        byte[] body = "{\"features\":[\"v:f\"],\"entities\":{\"user_id\":[\"a\",\"b\",\"c\"]}}".getBytes(StandardCharsets.UTF_8);
        assertThat(LookupBodyScanner.read(body, 3)).isNotNull();
        assertThat(LookupBodyScanner.read(body, 2)).isNull();
        assertThatThrownBy(() -> LookupRequest.parse(body, 2)).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.status()).isEqualTo(413));
    }

    /** Random edits of the usual bodies: what the scanner reads, the parser reads the same; and the scanner reads many. */
    @Test
    void agreesWithTheParserOnMutatedBodies() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] alphabet = " \t\n\"\\,:[]{}-.e0179abuz_ntrfl".getBytes(StandardCharsets.US_ASCII);
        int readByScanner = 0;
        for (int n = 0; n < 50_000; n++) {
            byte[] body = USUAL.get(random.nextInt(USUAL.size())).getBytes(StandardCharsets.UTF_8);
            int edits = 1 + random.nextInt(3);
            for (int k = 0; k < edits; k++) {
                body = mutate(body, random, alphabet);
            }
            LookupRequest fast = LookupBodyScanner.read(body, MAX);
            if (fast == null) {
                continue;
            }
            readByScanner++;
            String text = new String(body, StandardCharsets.UTF_8);
            LookupRequest parsed;
            try {
                parsed = LookupRequest.parseWithParser(body, MAX);
            } catch (ApiError e) {
                fail("the scanner read a body the parser rejects (%s): %s", e.getMessage(), text);
                return;
            }
            assertThat(describe(fast)).as(text).isEqualTo(describe(parsed));
        }
        // whitespace and digit edits keep many bodies valid: the comparison above must have run often
        assertThat(readByScanner).isGreaterThan(2_000);
    }

    private static byte[] mutate(byte[] body, SplittableRandom random, byte[] alphabet) {
        int at = random.nextInt(body.length + 1);
        byte c = alphabet[random.nextInt(alphabet.length)];
        return switch (random.nextInt(3)) {
            case 0 -> { // insert
                byte[] out = new byte[body.length + 1];
                System.arraycopy(body, 0, out, 0, at);
                out[at] = c;
                System.arraycopy(body, at, out, at + 1, body.length - at);
                yield out;
            }
            case 1 -> { // delete
                if (at == body.length) {
                    yield body;
                }
                byte[] out = new byte[body.length - 1];
                System.arraycopy(body, 0, out, 0, at);
                System.arraycopy(body, at + 1, out, at, body.length - at - 1);
                yield out;
            }
            default -> { // replace
                if (at == body.length) {
                    yield body;
                }
                byte[] out = body.clone();
                out[at] = c;
                yield out;
            }
        };
    }

    /** Everything a request holds, ids as the response would echo them (a string or a number). */
    private static String describe(LookupRequest r) {
        List<String> columns = new ArrayList<>();
        for (LookupRequest.EntityColumn c : r.entities()) {
            JsonOut out = new JsonOut(64);
            for (int row = 0; row < c.size(); row++) {
                (row > 0 ? out.raw(',') : out).raw(' ');
                c.writeValue(out, row);
            }
            columns.add(c.joinKey() + ":" + out);
        }
        return r.features() + " " + columns + " full=" + r.fullFeatureNames();
    }
}
