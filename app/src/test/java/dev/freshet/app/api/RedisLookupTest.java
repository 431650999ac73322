package dev.freshet.app.api;

import dev.freshet.online.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lookup suite on Redis (a redis-server of its own; reads on the lookup pool). */
class RedisLookupTest extends LookupContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    String onlineStore() {
        redis.flushAll();
        return "{type: redis, uri: \"" + redis.uri() + "\"}";
    }
}
