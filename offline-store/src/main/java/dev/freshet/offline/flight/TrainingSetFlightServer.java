package dev.freshet.offline.flight;

import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.TransientException;
import dev.freshet.offline.join.PointInTimeJoin;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An Arrow Flight server that streams training sets: a client calls {@code DoGet} with a ticket
 * holding a training-set request as JSON (the form of
 * {@link dev.freshet.offline.join.TrainingSetRequest#toJson}) and receives the rows in spine order, the
 * same rows {@code freshet training-set} writes to a file. So a Python batch job pulls training data
 * with {@code pyarrow.flight} and no files in between:
 * <pre>{@code
 * client = pyarrow.flight.connect("grpc://127.0.0.1:8815")
 * table = client.do_get(pyarrow.flight.Ticket(json.dumps(request))).read_all()
 * }</pre>
 * A bad request fails the call with {@code INVALID_ARGUMENT} and the message that says what to fix.
 * The spine is a path on the server's machine, read by the server: with {@linkplain
 * Builder#spineDirectories spine directories} set, a spine elsewhere (symbolic links followed) is
 * refused with {@code UNAUTHORIZED} (gRPC {@code PERMISSION_DENIED}), so that a client cannot have the server read any file it
 * can. Plain gRPC (no TLS): bind it to an address only trusted clients reach. Thread-safe;
 * {@link #close} is idempotent.
 */
public final class TrainingSetFlightServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSetFlightServer.class);
    private static final long CLOSE_SECONDS = 5;

    private final FlightServer server;
    private final BufferAllocator allocator;
    private final String host;
    private boolean closed;

    private TrainingSetFlightServer(FlightServer server, BufferAllocator allocator, String host) {
        this.server = server;
        this.allocator = allocator;
        this.host = host;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on (the one chosen when built with port 0). */
    public int port() {
        return server.getPort();
    }

    /** {@code grpc://host:port}, for {@code pyarrow.flight.connect}. */
    public String uri() {
        return "grpc://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Stops accepting calls, gives running streams a few seconds, then frees the server's memory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            if (!server.awaitTermination(CLOSE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Flight streams still running after {} s; stopping them", CLOSE_SECONDS);
            }
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("stopping the Flight server: {}", e.toString());
        } finally {
            allocator.close();
        }
    }

    /** Settings of a server; {@link #start} checks them. */
    public static final class Builder {
        private PointInTimeJoin join;
        private BufferAllocator allocator;
        private String host = "127.0.0.1";
        private int port = -1;
        private List<Path> spineDirectories = List.of();

        private Builder() {
        }

        /** The join that computes each requested training set. */
        public Builder join(PointInTimeJoin join) {
            this.join = Objects.requireNonNull(join, "join");
            return this;
        }

        /** The parent of the server's own allocator (which {@link #close} frees). */
        public Builder allocator(BufferAllocator allocator) {
            this.allocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The TCP port, 0 for any free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("the Flight port must be in 0..65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The directories spines may be read from ({@code offline_store.flight.spine_dirs}); empty, the
         * default: any path the server's process can read.
         */
        public Builder spineDirectories(List<Path> directories) {
            this.spineDirectories = List.copyOf(directories);
            return this;
        }

        /**
         * @throws IllegalStateException when the join, allocator or port was not set
         * @throws ConfigException       when a spine directory does not exist or is not a directory
         * @throws TransientException    when the port is in use
         */
        public TrainingSetFlightServer start() {
            if (join == null || allocator == null || port < 0) {
                throw new IllegalStateException("a Flight server needs " + (join == null ? "a join" : allocator == null ? "an allocator" : "a port"));
            }
            SpineDirectories spines = SpineDirectories.of(spineDirectories);
            if (spineDirectories.isEmpty() && !loopback(host)) {
                LOG.warn("the Arrow Flight server listens on {} and reads any spine path a client names; set offline_store.flight.spine_dirs"
                        + " to the directories spines may come from", host);
            }
            BufferAllocator own = allocator.newChildAllocator("flight-server", 0, Long.MAX_VALUE);
            FlightServer server = FlightServer.builder(own, Location.forGrpcInsecure(host, port), new TrainingSetProducer(join, own, spines))
                    .build();
            try {
                server.start();
            } catch (IOException e) {
                own.close();
                throw new TransientException("cannot start the Arrow Flight server on " + host + ":" + port + ": " + e.getMessage()
                        + " (is the port in use? set offline_store.flight.port)", e);
            }
            return new TrainingSetFlightServer(server, own, host);
        }

        /** Whether {@code host} names this machine only; a name that does not resolve counts as not. */
        private static boolean loopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
