package dev.freshet.ingest.broker;

import dev.freshet.core.error.FreshetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** TCP ports on the loopback address: picking a free one, and checking that a given one is free. */
final class Ports {

    static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before the broker binds it;
     * the broker then fails with the usual "in use" error, which is rare enough for tests and a
     * developer's machine.
     */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    /**
     * Checks that {@code port} can be bound, so that a busy port fails before any broker thread
     * starts (Kafka reports it only after the controller is already up).
     *
     * @throws FreshetException (a {@link dev.freshet.core.error.TransientException}) when it is in use
     */
    static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same as Kafka's listener: a port left in TIME_WAIT by a previous broker is reusable.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (BindException e) {
            throw StartFailures.portInUse(port, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check whether " + HOST + ":" + port + " is free", e);
        }
    }
}
