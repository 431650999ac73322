package dev.freshet.app.api;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.bandits.stream.ServingPolicy;
import dev.freshet.learners.stream.ServingModel;
import dev.freshet.online.OnlineStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Freshet's HTTP API on Vert.x core: {@code POST /get-online-features} and {@code POST /push} in
 * Feast's shapes, {@code GET /health}, {@code GET /metrics} (Prometheus) and {@code GET /registry}.
 * <pre>{@code
 * try (ApiServer api = ApiServer.builder().config(config).store(store).push(kafka).health(check).build().start()) {
 *     System.out.println(api.url());
 * }
 * }</pre>
 *
 * <p>One HTTP server per event loop (as many event loops as cores by default) shares the port.
 * Requests are parsed and validated on the event loops; store reads run there too for a local
 * store (RocksDB) and small batches, and on a pool of lookup threads for a remote store (Redis) or
 * large batches; pushes, health checks and metric sources run on a separate small pool, so a slow
 * Kafka never takes the threads lookups need. The server does not own what it is given: closing
 * it leaves the store and the push target open for their owner to close.
 *
 * <p>Thread-safe. {@link #start()} once; {@link #close()} is idempotent.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #close()} lets requests in progress finish. */
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final int BLOCKING_THREADS = 4;
    /** Connections idle this long are closed (slow or abandoned clients must not hold buffers forever). */
    private static final int IDLE_TIMEOUT_SECONDS = 120;

    /** Everything the builder collected, validated. */
    record Settings(FreshetConfig config, OnlineStore store, Clock clock, PushTarget push, HealthCheck health,
                    List<MetricSource> metricSources, ApiMetrics metrics, boolean localReads, int eventLoops, int lookupThreads,
                    Map<String, ServingModel> models, PredictionLog predictions, Map<String, ServingPolicy> bandits,
                    DecisionLog decisions) {
    }

    private enum State { NEW, STARTED, CLOSED }

    private final Settings settings;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private State state = State.NEW;
    private Vertx vertx;
    private Routes routes;
    private int port;

    private ApiServer(Settings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds {@code api.host:api.port} and starts serving; returns once the port accepts connections.
     *
     * @return this server
     * @throws TransientException    when the port is in use (by another Freshet or server)
     * @throws InvalidInputException when {@code api.host} is not an address of this machine
     * @throws IllegalStateException when already started or closed
     */
    public synchronized ApiServer start() {
        if (state != State.NEW) {
            throw new IllegalStateException("the API server was already " + (state == State.STARTED ? "started" : "closed"));
        }
        String host = settings.config().api().host();
        int requested = settings.config().api().port();
        Vertx v = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(settings.eventLoops())
                // Vert.x's own pool; the API's work runs on the two named pools below
                .setWorkerPoolSize(2)
                // epoll when netty's native transport is on the class path, NIO otherwise
                .setPreferNativeTransport(true));
        try {
            WorkerExecutor lookupPool = v.createSharedWorkerExecutor("freshet-api-lookup", settings.lookupThreads());
            WorkerExecutor blockingPool = v.createSharedWorkerExecutor("freshet-api-blocking", BLOCKING_THREADS);
            Routes r = new Routes(settings, lookupPool, blockingPool);
            int actual = listen(v, r, host, requested);
            vertx = v;
            routes = r;
            port = actual;
            state = State.STARTED;
        } catch (RuntimeException | Error e) {
            closeQuietly(v);
            state = State.CLOSED;
            throw e;
        }
        log.info("API listening on {} ({} event loops, lookups {})", url(), settings.eventLoops(),
                settings.localReads() ? "read on the event loops up to " + Routes.INLINE_MAX_ROWS + " entities"
                        : "read on " + settings.lookupThreads() + " worker threads");
        return this;
    }

    /**
     * Deploys one server per event loop on the port; they share it. Vert.x binds each server asked
     * for port 0 to a port of its own, so for "any free port" one is picked here first, and picked
     * again should another process take it in between.
     */
    private int listen(Vertx v, Routes r, String host, int requested) {
        for (int attempt = 1; ; attempt++) {
            int p = requested != 0 ? requested : freePort(host);
            try {
                await(v.deployVerticle(() -> new HttpVerticle(options(host, p), r, servers),
                        new DeploymentOptions().setInstances(settings.eventLoops())), host, p);
                return p;
            } catch (TransientException e) {
                if (requested != 0 || attempt == 3 || !(e.getCause() instanceof BindException)) {
                    throw e;
                }
                servers.clear();
            }
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw bindFailure(host, 0, e);
        }
    }

    private static HttpServerOptions options(String host, int port) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                // HTTP/1.1 only: Feast's clients and load generators speak it; h2c would only add surface
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                // no WebSockets are served: without their compression extensions Vert.x leaves out the handler
                // that otherwise looks at every request's headers and every response (about 3 % of a lookup's CPU)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                // Routes answers Expect: 100-continue itself, so that a body over the limit is refused before it is sent
                .setHandle100ContinueAutomatically(false)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
    }

    private static void await(Future<?> future, String host, int port) {
        try {
            future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw bindFailure(host, port, e.getCause());
        } catch (TimeoutException e) {
            throw new TransientException("the API did not start listening on " + host + ":" + port + " within "
                    + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while starting the API on " + host + ":" + port, e);
        }
    }

    private static RuntimeException bindFailure(String host, int port, Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof UnknownHostException) {
            return new InvalidInputException("cannot listen on " + host + ":" + port + ": api.host " + host + " is not a known"
                    + " host name (use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)", cause);
        }
        if (cause instanceof BindException || message.contains("Address already in use") || message.contains("Cannot assign")) {
            if (message.contains("in use")) {
                return new TransientException("cannot listen on " + host + ":" + port + ": the port is already in use, probably"
                        + " by another Freshet or another server; stop it, or set api.port in freshet.yaml to a free port", cause);
            }
            return new InvalidInputException("cannot listen on " + host + ":" + port + " (" + message + "): api.host must be"
                    + " an address of this machine, e.g. 127.0.0.1 or 0.0.0.0", cause);
        }
        return new FreshetException("the API could not start listening on " + host + ":" + port + ": " + message, cause);
    }

    /** The port the API listens on (the one picked when {@code api.port} is 0). */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** How many event loops it runs: the builder's, else {@code api.event_loops}, else one per core. */
    public int eventLoops() {
        return settings.eventLoops();
    }

    /** {@code http://host:port}. */
    public synchronized String url() {
        requireStarted();
        String host = settings.config().api().host();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("the API server is " + (state == State.NEW ? "not started" : "closed"));
        }
    }

    /**
     * Stops accepting connections, answers 503 to new requests on open connections, lets requests
     * in progress finish for up to 3 s, and stops Vert.x. Idempotent; the store and push target stay open.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean started = state == State.STARTED;
        state = State.CLOSED;
        if (!started) {
            return;
        }
        routes.startClosing();
        long deadline = System.nanoTime() + GRACE.toNanos();
        List<Future<Void>> shutdowns = new ArrayList<>();
        for (HttpServer s : servers) {
            shutdowns.add(s.shutdown(GRACE.toMillis(), TimeUnit.MILLISECONDS));
        }
        try {
            Future.join(shutdowns).toCompletionStage().toCompletableFuture().get(GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("API servers did not shut down cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // requests whose work runs on a worker pool still need their answer written
        while (settings.metrics().inFlight().get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeQuietly(vertx);
        log.info("API on port {} stopped", port);
    }

    private static void closeQuietly(Vertx v) {
        try {
            v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Vert.x did not stop cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String toString() {
        return "ApiServer[" + (state == State.STARTED ? url() : state.name().toLowerCase(java.util.Locale.ROOT)) + "]";
    }

    /** One HTTP server on the event loop of its deployment. */
    private static final class HttpVerticle extends VerticleBase {
        private final HttpServerOptions options;
        private final Routes routes;
        private final List<HttpServer> started;

        HttpVerticle(HttpServerOptions options, Routes routes, List<HttpServer> started) {
            this.options = options;
            this.routes = routes;
            this.started = started;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).requestHandler(routes).listen().onSuccess(started::add);
        }
    }

    /**
     * Collects an {@link ApiServer}'s parts. Each is set once (setting one again throws
     * {@link IllegalStateException}); {@link #config} and {@link #store} are required. Not thread-safe.
     */
    public static final class Builder {
        private FreshetConfig config;
        private OnlineStore store;
        private Clock clock;
        private PushTarget push;
        private HealthCheck health;
        private final List<MetricSource> metricSources = new ArrayList<>();
        private Boolean readsOnEventLoop;
        private int eventLoops;
        private int lookupThreads;
        private Map<String, ServingModel> models;
        private PredictionLog predictions;
        private Map<String, ServingPolicy> bandits;
        private DecisionLog decisions;

        private Builder() {
        }

        /**
         * The bandits {@code /decide} decides with, and where it logs decisions and {@code /reward} rewards.
         * Without them, {@code /decide} and {@code /reward} answer 503 for the configuration's bandits.
         */
        public Builder bandits(Map<String, ServingPolicy> serving, DecisionLog log) {
            requireUnset(bandits, "bandits");
            bandits = Map.copyOf(serving);
            decisions = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * The models {@code /predict} scores with, and where it logs predictions. Without them,
         * {@code /predict} answers 503 for the configuration's models.
         */
        public Builder models(Map<String, ServingModel> serving, PredictionLog log) {
            requireUnset(models, "models");
            models = Map.copyOf(serving);
            predictions = Objects.requireNonNull(log, "log");
            return this;
        }

        /** The configuration: {@code api} (host, port, limits) and the definitions served. */
        public Builder config(FreshetConfig value) {
            requireUnset(config, "config");
            config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Where lookups read from. */
        public Builder store(OnlineStore value) {
            requireUnset(store, "store");
            store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** The clock lookups read "now" from; the system UTC clock by default. */
        public Builder clock(Clock value) {
            requireUnset(clock, "clock");
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Where {@code /push} writes; without one, {@code /push} answers 503. */
        public Builder push(PushTarget value) {
            requireUnset(push, "push");
            push = Objects.requireNonNull(value, "push");
            return this;
        }

        /** What {@code /health} reports; without one, it reports UP with no checks. */
        public Builder health(HealthCheck value) {
            requireUnset(health, "health");
            health = Objects.requireNonNull(value, "health");
            return this;
        }

        /** Adds sources of samples to {@code /metrics}, after the API's own; may be called several times. */
        public Builder metrics(MetricSource... sources) {
            for (MetricSource s : sources) {
                metricSources.add(Objects.requireNonNull(s, () -> "metric source " + Arrays.asList(sources).indexOf(s)));
            }
            return this;
        }

        /**
         * How many event loops (and HTTP servers sharing the port) to run; by default {@code api.event_loops}, else one per core.
         *
         * @throws IllegalArgumentException unless 1 to 1024
         */
        public Builder eventLoops(int value) {
            requireUnset(eventLoops == 0 ? null : eventLoops, "eventLoops");
            eventLoops = range("eventLoops", value, 1, 1024);
            return this;
        }

        /**
         * How many threads read the store for lookups that do not run on an event loop; by default
         * four per event loop, at least 16, so that many reads of a remote store wait at once.
         *
         * @throws IllegalArgumentException unless 1 to 4096
         */
        public Builder lookupThreads(int value) {
            requireUnset(lookupThreads == 0 ? null : lookupThreads, "lookupThreads");
            lookupThreads = range("lookupThreads", value, 1, 4096);
            return this;
        }

        /**
         * Whether small lookups read the store on the event loop. By default they do when the
         * configuration's store is RocksDB (local reads of tens of microseconds) and do not for
         * Redis (a network round trip). Set it when the store given is not the configured one.
         */
        public Builder readsOnEventLoop(boolean value) {
            requireUnset(readsOnEventLoop, "readsOnEventLoop");
            readsOnEventLoop = value;
            return this;
        }

        /**
         * The server, not yet started.
         *
         * @throws IllegalStateException when config or store was not set
         */
        public ApiServer build() {
            if (config == null) {
                throw new IllegalStateException("an ApiServer needs the configuration: call config(FreshetConfig)");
            }
            if (store == null) {
                throw new IllegalStateException("an ApiServer needs an online store to read from: call store(OnlineStore)");
            }
            int configured = eventLoops != 0 ? eventLoops : config.api().eventLoops();
            int loops = configured != 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors());
            int threads = lookupThreads == 0 ? Math.max(16, 4 * loops) : lookupThreads;
            boolean local = readsOnEventLoop != null ? readsOnEventLoop : config.onlineStore() instanceof OnlineStoreConfig.RocksDb;
            HealthCheck check = health != null ? health : () -> HealthCheck.Report.of(java.util.Map.of());
            return new ApiServer(new Settings(config, store, clock == null ? Clock.systemUTC() : clock, push, check,
                    List.copyOf(metricSources), new ApiMetrics(config.definitions()), local, loops, threads,
                    models == null ? Map.of() : models, predictions, bandits == null ? Map.of() : bandits, decisions));
        }

        private static void requireUnset(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set to " + current);
            }
        }

        private static int range(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", not " + value);
            }
            return value;
        }
    }
}
