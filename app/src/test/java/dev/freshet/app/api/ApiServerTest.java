package dev.freshet.app.api;

import dev.freshet.core.config.ApiConfig;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;
import dev.freshet.online.EntityTiles;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TileBatch;
import dev.freshet.online.TilePartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static dev.freshet.app.api.ApiFixture.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's life: binding, the builder's rules, closing, and what the store's failures become. */
class ApiServerTest {

    static final String LOOKUP = lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]");

    final StubStore store = new StubStore();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<ApiServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(ApiServer::close);
        http.close();
    }

    static FreshetConfig config(int port) {
        return ApiFixture.onPort(FreshetConfig.parse(ApiFixture.yaml("{type: rocksdb, path: ./unused}", "", 10, 4096), "test.yaml"), port);
    }

    ApiServer start(ApiServer.Builder builder) {
        ApiServer s = builder.build();
        servers.add(s);
        return s.start();
    }

    HttpResponse<String> post(ApiServer server, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/get-online-features"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnAFreePortWhenAskedForPortZeroAndSaysWhere() {
        ApiServer server = start(ApiServer.builder().config(config(0)).store(store).eventLoops(3));

        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(server.toString()).isEqualTo("ApiServer[" + server.url() + "]");
    }

    @Test
    void runsTheEventLoopsTheBuilderOrTheConfigurationAsksForElseOnePerCore() {
        FreshetConfig one = config(0).withApi(new ApiConfig("127.0.0.1", 0, 10, 4096, 1));
        assertThat(ApiServer.builder().config(one).store(store).build().eventLoops()).isEqualTo(1);
        assertThat(ApiServer.builder().config(one).store(store).eventLoops(3).build().eventLoops()).isEqualTo(3);
        assertThat(ApiServer.builder().config(config(0)).store(store).build().eventLoops())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        ApiServer started = start(ApiServer.builder().config(one).store(store));
        assertThat(started.port()).isPositive();
    }

    @Test
    void aPortInUseIsATransientErrorThatNamesIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ApiServer server = ApiServer.builder().config(config(taken.getLocalPort())).store(store).build();
            servers.add(server);
            assertThatThrownBy(server::start).isInstanceOf(TransientException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is already in use, probably by"
                            + " another Freshet or another server; stop it, or set api.port in freshet.yaml to a free port");
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessage("the API server was already closed");
        }
    }

    @Test
    void theBuilderNeedsConfigAndStoreAndTakesEachPartOnce() {
        assertThatThrownBy(() -> ApiServer.builder().store(store).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("an ApiServer needs the configuration: call config(FreshetConfig)");
        assertThatThrownBy(() -> ApiServer.builder().config(config(0)).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("an ApiServer needs an online store to read from: call store(OnlineStore)");
        assertThatThrownBy(() -> ApiServer.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("clock was already set to SystemClock");
        assertThatThrownBy(() -> ApiServer.builder().eventLoops(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventLoops must be 1 to 1024, not 0");
    }

    @Test
    void closeIsIdempotentAndStopsServing() throws Exception {
        ApiServer server = start(ApiServer.builder().config(config(0)).store(store));
        String url = server.url();
        assertThat(post(server, LOOKUP).statusCode()).isEqualTo(200);

        server.close();
        server.close();

        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class).hasMessage("the API server is closed");
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        assertThat(store.closed).as("the store belongs to the caller").isFalse();
    }

    @Test
    void closeLetsARequestInProgressFinish() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        store.reads.set(() -> {
            reading.countDown();
            sleep(700);
            return null;
        });
        ApiServer server = start(ApiServer.builder().config(config(0)).store(store).readsOnEventLoop(false));
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(URI.create(server.url()
                + "/get-online-features")).POST(HttpRequest.BodyPublishers.ofString(LOOKUP)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        server.close();

        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStoreThatIsDownIs503AndABugIs500WithARequestId() throws Exception {
        ApiServer server = start(ApiServer.builder().config(config(0)).store(store));

        store.reads.set(() -> {
            throw new TransientException("Redis at redis://127.0.0.1:6379 did not answer within 2000 ms", null);
        });
        HttpResponse<String> down = post(server, LOOKUP);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"error\":{\"code\":\"unavailable\",\"message\":\"Redis at redis://127.0.0.1:6379 did not"
                + " answer within 2000 ms\"}}");

        store.reads.set(() -> {
            throw new InvalidInputException("feature view 'x' is not defined");
        });
        assertThat(post(server, LOOKUP).statusCode()).isEqualTo(400);

        store.reads.set(() -> {
            throw new CorruptDataException("tile of view 'user_activity' is truncated");
        });
        HttpResponse<String> bug = post(server, LOOKUP);
        assertThat(bug.statusCode()).isEqualTo(500);
        assertThat(LookupErrorsTest.message(bug, 500, "internal_error"))
                .matches("the server failed to answer this request \\(request id [0-9a-f]{4}-\\d+; the server's log has the details\\)")
                .doesNotContain("truncated");

        store.reads.set(() -> null);
        assertThat(post(server, LOOKUP).statusCode()).isEqualTo(200);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A store whose reads answer NOT_FOUND, after running a hook that may sleep or throw. */
    static final class StubStore implements OnlineStore {
        final AtomicReference<Supplier<Void>> reads = new AtomicReference<>(() -> null);
        volatile boolean closed;

        @Override
        public List<FeatureVector> read(List<FeatureRef> features, List<EntityKey> entities, long now) {
            reads.get().get();
            List<FeatureVector> out = new ArrayList<>();
            for (EntityKey e : entities) {
                out.add(new FeatureVector(e, now, features, Collections.nCopies(features.size(), null),
                        Collections.nCopies(features.size(), FeatureStatus.NOT_FOUND), Collections.nCopies(features.size(), 0L)));
            }
            return out;
        }

        @Override
        public void putTiles(TileBatch batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<EntityTiles> getTiles(String view, List<EntityKey> entities, long fromTile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<TilePartition, Long> offsets() {
            return Map.of();
        }

        @Override
        public long sweep(long now) {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
