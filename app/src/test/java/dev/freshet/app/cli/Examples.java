package dev.freshet.app.cli;

import dev.freshet.core.testing.ExampleYaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations for the command tests. */
final class Examples {

    /** The repository's example freshet.yaml (core's test fixture). */
    static final String SHOP = ExampleYaml.SHOP;

    private static final String EMBEDDED = "embedded: {port: 9092, data_dir: ./data/kafka}";

    private Examples() {
    }

    /** Writes {@code yaml} to {@code dir/name} and returns the file's path as a string, ready for --config. */
    static String write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with its embedded broker on {@code port}, and the broker's data and the pipeline's state under {@code dir}. */
    static String shopOn(int port, Path dir) {
        return shopOn(port, dir, freePort());
    }

    /** The example on the embedded broker at {@code port}, its data, store and API in {@code dir} and on {@code apiPort}. */
    static String shopOn(int port, Path dir, int apiPort) {
        return SHOP.replace(EMBEDDED, "embedded: {port: " + port + ", data_dir: \"" + dir.resolve("kafka") + "\"}")
                .replace("project: shop\n", "project: shop\nstreams: {state_dir: \"" + dir.resolve("streams") + "\"}\n")
                .replace("online_store: {type: rocksdb, path: ./data/online}", "online_store: {type: rocksdb, path: \"" + dir.resolve("online") + "\"}")
                .replace("offline_store: {path: ./data/offline}", "offline_store: {path: \"" + dir.resolve("offline")
                        + "\", flight: {port: " + freePort() + "}}")
                .replace("api: {port: 8080}", "api: {port: " + apiPort + "}");
    }

    /** The example on an external cluster at {@code bootstrapServers}. */
    static String shopAt(String bootstrapServers) {
        return SHOP.replace(EMBEDDED, "bootstrap_servers: \"" + bootstrapServers + "\"");
    }

    /** A port on 127.0.0.1 that was free a moment ago (and that nothing listens on). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
