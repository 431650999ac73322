package dev.freshet.online;

import dev.freshet.core.error.TransientException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The Lua scripts of {@link RedisOnlineStore}, and how they are called: with {@code EVALSHA}, and
 * again with {@code EVAL} for the calls that Redis answers {@code NOSCRIPT} (its script cache is
 * empty after a restart or {@code SCRIPT FLUSH}; {@code EVAL} fills it again).
 */
final class RedisScripts {

    /**
     * Writes tiles of one hash (one view and entity), each only when its version is higher than the
     * stored one, so that a replayed or reordered tile never replaces a newer one. KEYS[1]: the hash.
     * ARGV: triples (field, version, tile) applied in order; an empty version removes the field.
     * The version of field {@code f} is kept in field {@code v:f}, in decimal; versions are
     * non-negative and written without leading zeros, so they compare exactly (beyond 2^53, where Lua
     * numbers would round) by length, then as text. Returns how many triples changed the hash.
     */
    static final String PUT = """
            local changed = 0
            for i = 1, #ARGV, 3 do
              local field, version = ARGV[i], ARGV[i + 1]
              if version == '' then
                if redis.call('HDEL', KEYS[1], field, 'v:' .. field) > 0 then
                  changed = changed + 1
                end
              else
                local stored = redis.call('HGET', KEYS[1], 'v:' .. field)
                if not stored or #stored < #version or (#stored == #version and stored < version) then
                  redis.call('HSET', KEYS[1], field, ARGV[i + 2], 'v:' .. field, version)
                  changed = changed + 1
                end
              end
            end
            return changed
            """;

    /**
     * Removes the ordinary tiles of one hash that start at or before ARGV[1] (epoch ms), with their
     * version fields; the lifetime tile and the version fields themselves are not numbers and stay.
     * Tile starts are exact in Lua numbers (below 2^53). Returns how many tiles were removed.
     */
    static final String SWEEP = """
            local last = tonumber(ARGV[1])
            local removed = 0
            for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
              local start = tonumber(field)
              if start and start <= last then
                redis.call('HDEL', KEYS[1], field, 'v:' .. field)
                removed = removed + 1
              end
            end
            return removed
            """;

    /**
     * Raises stored offsets: KEYS[1] the offsets hash, ARGV pairs (field, next offset in decimal); an
     * offset replaces the stored one only when higher (compared as {@link #PUT} compares versions),
     * so that offsets never move back. Returns how many fields changed.
     */
    static final String OFFSETS = """
            local changed = 0
            for i = 1, #ARGV, 2 do
              local stored, offset = redis.call('HGET', KEYS[1], ARGV[i]), ARGV[i + 1]
              if not stored or #stored < #offset or (#stored == #offset and stored < offset) then
                redis.call('HSET', KEYS[1], ARGV[i], offset)
                changed = changed + 1
              end
            end
            return changed
            """;

    /** One script call: the hash it works on and its arguments. */
    record Call(String key, byte[][] args) {
    }

    /** The scripts, by what they do. */
    enum Script {
        PUT(RedisScripts.PUT), SWEEP(RedisScripts.SWEEP), OFFSETS(RedisScripts.OFFSETS);

        final String text;

        Script(String text) {
            this.text = text;
        }
    }

    private final Map<Script, String> shas;

    private RedisScripts(Map<Script, String> shas) {
        this.shas = shas;
    }

    /** Loads the scripts ({@code SCRIPT LOAD}) through a connection that flushes its commands itself. */
    static RedisScripts load(RedisAsyncCommands<String, byte[]> commands, RedisAwait await) {
        Map<Script, RedisFuture<String>> loading = new EnumMap<>(Script.class);
        for (Script s : Script.values()) {
            loading.put(s, commands.scriptLoad(s.text.getBytes(StandardCharsets.UTF_8)));
        }
        Map<Script, String> shas = new EnumMap<>(Script.class);
        loading.forEach((s, f) -> shas.put(s, await.get(f, "loading the Lua scripts")));
        return new RedisScripts(shas);
    }

    /**
     * Sends every call, flushes once and waits for all the replies: one round trip, or two when Redis
     * has lost the scripts. The connection must not flush by itself, and its caller must hold it alone.
     *
     * @return the sum of the scripts' integer replies
     */
    long run(StatefulRedisConnection<String, byte[]> connection, Script script, List<Call> calls,
             RedisAwait await, String action) {
        String sha = shas.get(script);
        RedisAsyncCommands<String, byte[]> commands = connection.async();
        List<RedisFuture<Long>> futures = new ArrayList<>(calls.size());
        for (Call c : calls) {
            futures.add(commands.evalsha(sha, ScriptOutputType.INTEGER, new String[]{c.key()}, c.args()));
        }
        connection.flushCommands();
        long sum = 0;
        List<Call> retry = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                sum += await.get(futures.get(i), action);
            } catch (TransientException e) {
                if (!(e.getCause() instanceof RedisNoScriptException)) {
                    throw e;
                }
                retry.add(calls.get(i));
            }
        }
        if (!retry.isEmpty()) {
            byte[] text = script.text.getBytes(StandardCharsets.UTF_8);
            List<RedisFuture<Long>> retried = new ArrayList<>(retry.size());
            for (Call c : retry) {
                retried.add(commands.eval(text, ScriptOutputType.INTEGER, new String[]{c.key()}, c.args()));
            }
            connection.flushCommands();
            for (RedisFuture<Long> f : retried) {
                sum += await.get(f, action);
            }
        }
        return sum;
    }
}
