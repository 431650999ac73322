package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.online.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import static dev.freshet.online.TileFixtures.MINUTE;
import static dev.freshet.online.TileFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a local redis-server, and the key layout other tools may rely on. */
class RedisOnlineStoreTest extends OnlineStoreContract {

    static RedisServer server;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    OnlineStoreConfig storeConfig() {
        server.flushAll();
        return new OnlineStoreConfig.Redis(server.uri());
    }

    @BeforeEach
    void storeIsEmpty() {
        assertThat(server.call("DBSIZE")).isEqualTo(":0");
    }

    @Test
    void theKeyLayoutIsAsDocumented() {
        Tile c = fx.tile("history", "u1", T0 + 30 * MINUTE, T0 + 30 * MINUTE + 1, T0 + 30 * MINUTE + 2);
        Tile life = fx.lifetime("history", fx.tile("history", "u1", T0));
        store.putTiles(fx.put(TileBatch.builder(), "history", "u1:with:colons", c)
                .put(TileKey.lifetime("history", EntityKey.of("u1:with:colons")), fx.encode("history", life))
                .offset(new TilePartition("freshet.tiles.history", 3), 42).build());
        RedisClient client = RedisClient.create(io.lettuce.core.RedisURI.create(server.uri()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            String key = "freshet:test:tiles:history:u1:with:colons";
            String start = Long.toString(c.start());
            assertThat(redis.keys("freshet:*")).containsExactlyInAnyOrder(key, "freshet:test:offsets");
            assertThat(redis.hkeys(key)).containsExactlyInAnyOrder("lifetime", "v:lifetime", start, "v:" + start);
            assertThat(redis.hget(key, "v:" + start)).isEqualTo("3");
            assertThat(redis.hget(key, "v:lifetime")).isEqualTo("1");
            assertThat(redis.hgetall("freshet:test:offsets")).isEqualTo(Map.of("freshet.tiles.history:3", "42"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void writesAndSweepsGoOnAfterRedisLostItsScripts() {
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", fx.tile("activity", "u1", T0)).build());
        assertThat(server.call("SCRIPT", "FLUSH")).isEqualTo("+OK");
        Tile newer = fx.tile("activity", "u1", T0 + 1, T0 + 2);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", newer).offset(P0, 5).build());
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), newer);
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 5L));
        assertThat(server.call("SCRIPT", "FLUSH")).isEqualTo("+OK");
        assertThat(store.sweep(T0 + 600 * MINUTE)).isEqualTo(1);
    }

    @Test
    void anUnreachableRedisIsTransientAndTheMessageHidesThePassword() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI uri = URI.create("redis://:s3cret@127.0.0.1:" + port + "/0");
        assertThatThrownBy(() -> OnlineStore.open(fx.config(new OnlineStoreConfig.Redis(uri))))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("redis://127.0.0.1:" + port)
                .hasMessageContaining("online_store.uri")
                .hasMessageNotContaining("s3cret");
    }
}
