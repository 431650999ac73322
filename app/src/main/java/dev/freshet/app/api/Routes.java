package dev.freshet.app.api;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.online.OnlineStore;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The request handler every event loop shares: routes by method and path, reads bodies within
 * {@code api.max_request_bytes}, runs each endpoint where it belongs, and turns every outcome,
 * failures included, into one answer. Nothing a client sends escapes as an exception: bad input is
 * a 4xx, a dependency down a 503, anything else a logged 500 with a request id.
 *
 * <h2>Threads</h2>
 * Routing, body reading, parsing and validating a lookup run on the connection's event loop: they
 * take microseconds. The store read then runs
 * <ul>
 *   <li>on the event loop, for a store on local disk (RocksDB) and a small batch: a read is tens of
 *       microseconds, less than the two thread hand-offs a worker would add to every lookup;</li>
 *   <li>on the lookup pool otherwise: a remote store (Redis) waits a network round trip, and a large
 *       batch takes milliseconds, which would stall every other connection of the loop.</li>
 * </ul>
 * Push, health and metrics run on a separate small pool, so that a slow Kafka or health check can
 * never take the threads lookups need. Worker results are answered back on the connection's event loop.
 */
final class Routes implements Handler<HttpServerRequest> {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** The most entity rows read on the event loop from a local store; larger batches go to the lookup pool. */
    static final int INLINE_MAX_ROWS = 16;
    /** A body over the limit is read and dropped (so the client gets the 413) up to this much, then the connection is closed. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence PROMETHEUS = HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

    /** A response: status, content type, body, and the {@code Allow} header of a 405. */
    record Answer(int status, CharSequence type, Buffer body, String allow) {
        static Answer json(int status, JsonOut body) {
            return new Answer(status, JSON, body.toBuffer(), null);
        }
    }

    /** One request in progress; touched only by its connection's event loop. */
    private static final class Exchange {
        final HttpServerRequest request;
        final Endpoint endpoint;
        final long start;
        boolean answered;
        boolean closeConnection;
        Buffer first;
        Buffer body;
        long received;

        Exchange(HttpServerRequest request, Endpoint endpoint, long start) {
            this.request = request;
            this.endpoint = endpoint;
            this.start = start;
        }
    }

    private final OnlineStore store;
    private final Clock clock;
    private final FeatureCatalog catalog;
    private final ApiMetrics metrics;
    private final PushHandler push;
    private final PredictHandler predict;
    private final DecideHandler decide;
    private final DecisionLog rewards;
    private final Operations operations;
    private final byte[] registry;
    private final int maxEntities;
    private final int maxRequestBytes;
    private final boolean localReads;
    private final WorkerExecutor lookupPool;
    private final WorkerExecutor blockingPool;
    private final String idPrefix = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closing;

    Routes(ApiServer.Settings s, WorkerExecutor lookupPool, WorkerExecutor blockingPool) {
        this.store = s.store();
        this.clock = s.clock();
        this.catalog = new FeatureCatalog(s.config().definitions());
        this.metrics = s.metrics();
        this.push = s.push() == null ? null : new PushHandler(s.config(), s.clock(), s.push(), metrics);
        this.predict = s.config().models().isEmpty() ? null : new PredictHandler(s.config().definitions(), s.config().models(),
                s.models(), PredictHandler.routers(s.bandits(), s.models()), s.store(), s.clock(), s.predictions(), s.decisions());
        this.decide = s.config().bandits().isEmpty() ? null : new DecideHandler(s.config().definitions(), s.config().bandits(),
                s.bandits(), s.store(), s.clock(), s.decisions());
        this.rewards = s.decisions();
        this.operations = new Operations(s.health(), s.metricSources(), metrics);
        this.registry = RegistryJson.render(s.config());
        this.maxEntities = s.config().api().maxEntities();
        this.maxRequestBytes = s.config().api().maxRequestBytes();
        this.localReads = s.localReads();
        this.lookupPool = lookupPool;
        this.blockingPool = blockingPool;
    }

    /** From now on every new request is answered 503 and its connection closed. */
    void startClosing() {
        closing = true;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Exchange ex = new Exchange(request, Endpoint.of(request.path()), System.nanoTime());
        metrics.inFlight().incrementAndGet();
        request.response().closeHandler(v -> {
            if (!ex.answered) {
                ex.answered = true;
                metrics.inFlight().decrementAndGet();
            }
        });
        try {
            route(ex);
        } catch (Throwable t) {
            fail(ex, t);
        }
    }

    private void route(Exchange ex) {
        HttpServerRequest request = ex.request;
        Endpoint endpoint = ex.endpoint;
        if (closing) {
            ex.closeConnection = true;
            throw ApiError.of(503, ApiError.SHUTTING_DOWN, "the server is shutting down; send the request to another instance");
        }
        if (endpoint == Endpoint.OTHER) {
            throw ApiError.of(404, ApiError.NOT_FOUND, Endpoint.notFound(request.path()));
        }
        if (request.method() != endpoint.method()) {
            throw ApiError.methodNotAllowed(request.method().name() + " is not allowed on " + endpoint.path() + " (use "
                    + endpoint.method().name() + ")", endpoint.method().name());
        }
        switch (endpoint) {
            case LOOKUP -> readBody(ex, this::lookup);
            case PUSH -> readBody(ex, this::push);
            case PREDICT -> readBody(ex, this::predict);
            case DECIDE -> readBody(ex, this::decide);
            case REWARD -> readBody(ex, this::reward);
            case HEALTH -> offload(ex, blockingPool, operations::health);
            case METRICS -> offload(ex, blockingPool, () -> new Answer(200, PROMETHEUS, Buffer.buffer(operations.metrics()), null));
            case REGISTRY -> answer(ex, new Answer(200, JSON, Buffer.buffer(registry), null));
            case OTHER -> throw new IllegalStateException("unreachable");
        }
    }

    /** Collects the body within the limit, then hands it to {@code then} on the event loop. */
    private void readBody(Exchange ex, BiConsumer<Exchange, byte[]> then) {
        HttpServerRequest request = ex.request;
        long declared = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        boolean expectsContinue = "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
        if (declared > maxRequestBytes) {
            // a client waiting for 100 Continue never sends the body, so the connection must not wait for it
            ex.closeConnection = expectsContinue;
            tooLarge(ex, declared);
        } else if (expectsContinue) {
            request.response().writeContinue();
        }
        request.handler(chunk -> {
            ex.received += chunk.length();
            if (ex.answered) {
                if (ex.received > DISCARD_LIMIT && !ex.request.response().closed()) {
                    ex.request.connection().close();
                }
                return;
            }
            if (ex.received > maxRequestBytes) {
                ex.first = null;
                ex.body = null;
                tooLarge(ex, -1);
            } else if (ex.first == null && ex.body == null) {
                ex.first = chunk;
            } else {
                if (ex.body == null) {
                    ex.body = Buffer.buffer((int) Math.max(declared, 2L * ex.first.length())).appendBuffer(ex.first);
                    ex.first = null;
                }
                ex.body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(t -> log.debug("request {} {} failed while its body was read: {}", request.method(),
                request.path(), t.toString()));
        request.endHandler(v -> {
            if (ex.answered) {
                return;
            }
            byte[] body = ex.body != null ? ex.body.getBytes() : ex.first != null ? ex.first.getBytes() : new byte[0];
            ex.first = null;
            ex.body = null;
            try {
                then.accept(ex, body);
            } catch (Throwable t) {
                fail(ex, t);
            }
        });
    }

    private void tooLarge(Exchange ex, long declared) {
        fail(ex, ApiError.tooLarge(ApiError.REQUEST_TOO_LARGE, "the request body is "
                + (declared >= 0 ? declared + " bytes" : "larger than " + maxRequestBytes + " bytes") + "; this server accepts at most "
                + maxRequestBytes + " bytes (api.max_request_bytes): send fewer rows per request"));
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // Netty has already rejected a malformed length; nothing to add
        }
    }

    private void lookup(Exchange ex, byte[] body) {
        Lookup lookup = Lookup.plan(LookupRequest.parse(body, maxEntities), catalog);
        if (localReads && lookup.rows() <= INLINE_MAX_ROWS) {
            answer(ex, read(lookup));
        } else {
            offload(ex, lookupPool, () -> read(lookup));
        }
    }

    private Answer read(Lookup lookup) {
        long[] statuses = new long[FeatureStatus.values().length];
        Buffer body = lookup.execute(store, clock.millis(), statuses);
        metrics.lookup(lookup.rows(), statuses);
        return new Answer(200, JSON, body, null);
    }

    private void push(Exchange ex, byte[] body) {
        if (push == null) {
            throw ApiError.unavailable("push is not enabled on this server: it was started without a Kafka producer");
        }
        offload(ex, blockingPool, () -> Answer.json(200, push.handle(body)));
    }

    private void predict(Exchange ex, byte[] body) {
        if (predict == null) {
            throw ApiError.badRequest(ApiError.UNKNOWN_MODEL, "no models are defined: add a models: section to freshet.yaml to serve predictions");
        }
        offload(ex, lookupPool, () -> {
            JsonOut out = predict.handle(body);
            return Answer.json(200, out);
        });
    }

    private void decide(Exchange ex, byte[] body) {
        if (decide == null) {
            throw ApiError.badRequest(ApiError.UNKNOWN_BANDIT, "no bandits are defined: add a bandits: section to freshet.yaml to make decisions");
        }
        offload(ex, lookupPool, () -> Answer.json(200, decide.handle(body)));
    }

    /** Rewards are logged for the reward join, which counts unknown and duplicate ones: the answer is 202, accepted. */
    private void reward(Exchange ex, byte[] body) {
        RewardRequest request = RewardRequest.parse(body);
        if (rewards == null) {
            throw ApiError.unavailable("rewards are not accepted by this server: it runs no bandits");
        }
        rewards.reward(request.decisionId(), request.reward(), clock.millis());
        JsonOut out = JsonOut.local();
        out.raw('{').name("decision_id").string(request.decisionId()).raw(',').name("accepted").bool(true).raw('}');
        answer(ex, Answer.json(202, out));
    }

    /** Runs {@code work} on a pool, unordered (requests do not wait for each other), and answers on this event loop. */
    private void offload(Exchange ex, WorkerExecutor pool, Callable<Answer> work) {
        pool.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                answer(ex, result.result());
            } else {
                fail(ex, result.cause());
            }
        });
    }

    private void fail(Exchange ex, Throwable t) {
        ApiError error = switch (t) {
            case ApiError e -> e;
            case InvalidInputException e -> ApiError.badRequest(ApiError.INVALID_REQUEST, e.getMessage());
            case TransientException e -> ApiError.unavailable(e.getMessage());
            case RejectedExecutionException e when closing -> ApiError.of(503, ApiError.SHUTTING_DOWN, "the server is shutting down");
            default -> {
                String id = idPrefix + "-" + ids.incrementAndGet();
                log.error("{} {} failed (request id {})", ex.request.method(), ex.request.path(), id, t);
                yield ApiError.of(500, ApiError.INTERNAL_ERROR, "the server failed to answer this request (request id " + id
                        + "; the server's log has the details)");
            }
        };
        JsonOut out = JsonOut.local();
        error.writeTo(out);
        answer(ex, new Answer(error.status(), JSON, out.toBuffer(), error.allow()));
    }

    private void answer(Exchange ex, Answer a) {
        if (ex.answered) {
            return;
        }
        ex.answered = true;
        metrics.inFlight().decrementAndGet();
        HttpServerResponse response = ex.request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(a.status()).putHeader(HttpHeaders.CONTENT_TYPE, a.type());
        if (a.allow() != null) {
            response.putHeader(HttpHeaders.ALLOW, a.allow());
        }
        if (ex.closeConnection) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        response.end(a.body()).onComplete(done -> {
            if (ex.closeConnection) {
                ex.request.connection().close();
            }
        });
        metrics.request(ex.endpoint, a.status(), System.nanoTime() - ex.start);
    }
}
