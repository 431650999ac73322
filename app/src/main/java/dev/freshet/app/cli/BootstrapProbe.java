package dev.freshet.app.cli;

import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.error.TransientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A TCP connect to Kafka's bootstrap servers before any Kafka client is made. Kafka clients retry an
 * address that refuses connections until their timeout (and warn at each try); this says "nothing
 * listens there" in milliseconds, which is by far the most common problem (the broker is not running).
 */
final class BootstrapProbe {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private BootstrapProbe() {
    }

    /**
     * Where a command that runs beside {@code freshet run} reaches Kafka: the embedded broker that run
     * starts ({@code 127.0.0.1:<kafka.embedded.port>}; freshet.yaml allows no port 0 for it), or the
     * configured bootstrap servers.
     */
    static String bootstrapServers(KafkaConfig kafka) {
        return kafka.isEmbedded() ? "127.0.0.1:" + kafka.embedded().port() : kafka.bootstrapServers();
    }

    /**
     * Returns when at least one of {@code bootstrapServers} accepts a TCP connection within
     * {@code timeout}, or when the list cannot be parsed (the Kafka client then says what is wrong).
     *
     * @param hint what to do about it, appended to the message
     * @throws TransientException when none accepts one, with each address's reason
     */
    static void requireListening(String bootstrapServers, Duration timeout, String hint) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            Optional<InetSocketAddress> address = parse(server.trim());
            if (address.isEmpty()) {
                return;
            }
            addresses.add(address.get());
        }
        List<String> problems = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            Optional<String> problem = connect(address, timeout);
            if (problem.isEmpty()) {
                return;
            }
            problems.add(addresses.size() == 1 ? problem.get() : address.getHostString() + ":" + address.getPort() + " " + problem.get());
        }
        throw new TransientException("cannot reach Kafka at " + bootstrapServers + ": " + String.join(", ", problems)
                + "; " + hint, null);
    }

    /** {@code host:port} or {@code [ipv6]:port}; empty when it is neither. */
    static Optional<InetSocketAddress> parse(String server) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            return Optional.empty();
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(server.substring(colon + 1));
            return port < 1 || port > 65_535 || host.isEmpty()
                    ? Optional.empty()
                    : Optional.of(InetSocketAddress.createUnresolved(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Empty when the connection succeeds, else what went wrong in a few words. */
    private static Optional<String> connect(InetSocketAddress unresolved, Duration timeout) {
        InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        if (address.isUnresolved()) {
            return Optional.of("unknown host");
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return Optional.empty();
        } catch (ConnectException e) {
            return Optional.of("connection refused (nothing listens there)");
        } catch (SocketTimeoutException e) {
            return Optional.of("no answer within " + timeout.toSeconds() + " s");
        } catch (UnknownHostException e) {
            return Optional.of("unknown host");
        } catch (IOException e) {
            return Optional.of("cannot connect (" + e.getMessage() + ")");
        }
    }
}
