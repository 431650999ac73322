package dev.freshet.online;

import dev.freshet.core.config.OnlineStoreConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.net.URI;

/** The contract on the official Redis image, where Docker is available (skipped elsewhere). */
@Testcontainers(disabledWithoutDocker = true)
class RedisContainerOnlineStoreTest extends OnlineStoreContract {

    @Container
    static final GenericContainer<?> REDIS = new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379);

    @Override
    OnlineStoreConfig storeConfig() {
        try {
            REDIS.execInContainer("redis-cli", "FLUSHALL");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing Redis", e);
        }
        return new OnlineStoreConfig.Redis(URI.create("redis://" + REDIS.getHost() + ":" + REDIS.getMappedPort(6379)));
    }
}
