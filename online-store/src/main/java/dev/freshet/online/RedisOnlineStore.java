package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureVector;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared online store: tiles in Redis ({@code online_store.uri}), through Lettuce.
 *
 * <h2>Key layout</h2>
 * <ul>
 *   <li>{@code freshet:<project>:tiles:<view>:<entity>}: a hash per view and entity. Field
 *       {@code lifetime} holds the lifetime tile, field {@code <tile start>} (epoch ms in decimal, as
 *       {@link Long#toString} writes it) an ordinary tile; values are the encoded tiles as the tile
 *       topics carry them. Field {@code v:<field>} holds the version of the tile in {@code <field>}
 *       in decimal, so that the Lua script that writes tiles compares versions without parsing the
 *       binary tile header.</li>
 *   <li>{@code freshet:<project>:offsets}: a hash of the tile-topic offsets, field
 *       {@code <topic>:<partition>}, value the next offset to consume, in decimal; only ever raised,
 *       so that a replayed batch cannot move it back.</li>
 * </ul>
 * Views and projects never contain {@code :}; the entity is last, so it may.
 *
 * <h2>Round trips</h2>
 * A {@link #getTiles} call is one round trip: an {@code HGETALL} per entity, all sent before any
 * reply is awaited (on the read connection, which flushes each command itself so that concurrent
 * readers never wait on one another's flush). A {@link #putTiles} call is one round trip for the
 * tiles ({@link RedisScripts#PUT} once per hash, the version comparison atomic on the server, sent
 * with one flush on the write connection) and one more for the offsets ({@link RedisScripts#OFFSETS},
 * which only raises them), sent only once every tile write has succeeded: offsets sent in the same
 * pipeline would be recorded even when a tile write failed, and a sink restarting from them would
 * skip that tile for good.
 *
 * <p>Why reads flush per command: measured against a local Redis 7.0 (2 cores, hashes of 60 tiles),
 * batches of 1, 10 and 100 {@code HGETALL}s from 1 or 8 threads showed no consistent winner between
 * auto-flush on and auto-flush off with one {@code flushCommands()} per batch (differences up to
 * 20 % in both directions: decoding the replies dominates, and Lettuce pipelines either way), and
 * auto-flush on needs no coordination between readers that share the connection.
 *
 * <p>Thread-safe: any number of readers; writes ({@code putTiles}, {@code sweep}) take turns on
 * the write connection. Commands time out after {@link #COMMAND_TIMEOUT}; while disconnected they
 * fail at once (Lettuce reconnects in the background) with a {@link TransientException}.
 */
final class RedisOnlineStore implements OnlineStore {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    static final String LIFETIME_FIELD = "lifetime";
    static final String VERSION_PREFIX = "v:";
    private static final int SCAN_COUNT = 500;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String uri;
    private final String prefix;
    private final WindowReader reader;
    private final UnknownViews unknownViews;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> reads;
    private final StatefulRedisConnection<String, byte[]> writes;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final RedisScripts scripts;
    private final RedisAwait await;
    private volatile boolean closed;

    private RedisOnlineStore(FreshetConfig config, String uri, RedisClient client, StatefulRedisConnection<String, byte[]> reads,
                             StatefulRedisConnection<String, byte[]> writes, RedisScripts scripts, RedisAwait await) {
        this.uri = uri;
        this.prefix = "freshet:" + config.project() + ":";
        this.reader = new WindowReader(config.definitions());
        this.unknownViews = new UnknownViews(config.definitions(), "online store " + uri);
        this.client = client;
        this.reads = reads;
        this.writes = writes;
        this.scripts = scripts;
        this.await = await;
    }

    /**
     * Connects to {@code settings.uri()} and loads the Lua scripts.
     *
     * @throws TransientException when Redis cannot be reached or refuses the connection
     */
    static RedisOnlineStore open(FreshetConfig config, OnlineStoreConfig.Redis settings) {
        String shown = display(settings.uri());
        RedisURI redisUri = RedisURI.create(settings.uri());
        redisUri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(true).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        StatefulRedisConnection<String, byte[]> reads = null;
        StatefulRedisConnection<String, byte[]> writes = null;
        RedisAwait await = new RedisAwait(shown);
        try {
            reads = client.connect(CODEC);
            writes = client.connect(CODEC);
            writes.setAutoFlushCommands(false);
            RedisScripts scripts = RedisScripts.load(reads.async(), await);
            return new RedisOnlineStore(config, shown, client, reads, writes, scripts, await);
        } catch (RedisException e) {
            shutdown(client, reads, writes);
            throw new TransientException("online store: cannot connect to Redis at " + shown + " (online_store.uri): "
                    + e.getMessage() + "; check that Redis is running and reachable from this host, and the password "
                    + "and TLS settings of the URI", e);
        } catch (RuntimeException | Error e) {
            shutdown(client, reads, writes);
            throw e;
        }
    }

    /** The URI without user information (passwords) or query, for messages. */
    static String display(URI uri) {
        String scheme = uri.getScheme() == null ? "redis" : uri.getScheme();
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath();
        return scheme + "://" + host + port + path;
    }

    String tileKey(String view, EntityKey entity) {
        return prefix + "tiles:" + view + ":" + entity.value();
    }

    String offsetsKey() {
        return prefix + "offsets";
    }

    @Override
    public void putTiles(TileBatch batch) {
        checkOpen();
        // each hash's writes in batch order, as triples for the script
        Map<String, List<byte[]>> byHash = new LinkedHashMap<>();
        for (TileBatch.Write w : batch.writes()) {
            if (unknownViews.skip(w.key().view())) {
                continue;
            }
            List<byte[]> args = byHash.computeIfAbsent(tileKey(w.key().view(), w.key().entity()), k -> new ArrayList<>());
            args.add(ascii(field(w.key().tileStart())));
            if (w.isRemoval()) {
                args.add(new byte[0]);
                args.add(new byte[0]);
            } else {
                args.add(ascii(Long.toString(version(w))));
                args.add(w.tile());
            }
        }
        List<RedisScripts.Call> calls = new ArrayList<>(byHash.size());
        byHash.forEach((key, args) -> calls.add(new RedisScripts.Call(key, args.toArray(new byte[0][]))));
        String action = "writing " + batch;
        writeLock.lock();
        try {
            checkOpen();
            if (!calls.isEmpty()) {
                scripts.run(writes, RedisScripts.Script.PUT, calls, await, action);
            }
            if (!batch.offsets().isEmpty()) {
                List<byte[]> args = new ArrayList<>();
                batch.offsets().forEach((p, next) -> {
                    args.add(p.topic().concat(":").concat(Integer.toString(p.partition())).getBytes(StandardCharsets.UTF_8));
                    args.add(ascii(Long.toString(next)));
                });
                scripts.run(writes, RedisScripts.Script.OFFSETS,
                        List.of(new RedisScripts.Call(offsetsKey(), args.toArray(new byte[0][]))), await, action);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static long version(TileBatch.Write w) {
        try {
            return ViewAggregator.header(w.tile()).version();
        } catch (CorruptDataException e) {
            throw new CorruptDataException("tile " + w.key() + " to write cannot be read: " + e.getMessage(), e);
        }
    }

    private static String field(long tileStart) {
        return tileStart == TileKey.LIFETIME ? LIFETIME_FIELD : Long.toString(tileStart);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public List<EntityTiles> getTiles(String view, List<EntityKey> entities, long fromTile) {
        checkOpen();
        ViewAggregator aggregator = reader.aggregator(view);
        List<RedisFuture<Map<String, byte[]>>> futures = new ArrayList<>(entities.size());
        for (EntityKey entity : entities) {
            futures.add(reads.async().hgetall(tileKey(view, entity)));
        }
        List<EntityTiles> out = new ArrayList<>(entities.size());
        for (int i = 0; i < entities.size(); i++) {
            Map<String, byte[]> hash = await.get(futures.get(i), "reading tiles of view '" + view + "'");
            out.add(entityTiles(aggregator, entities.get(i), hash, fromTile));
        }
        return out;
    }

    private EntityTiles entityTiles(ViewAggregator aggregator, EntityKey entity, Map<String, byte[]> hash, long fromTile) {
        if (hash.isEmpty()) {
            return EntityTiles.none(entity);
        }
        String key = tileKey(aggregator.view().name(), entity);
        Tile lifetime = null;
        List<Tile> tiles = new ArrayList<>();
        long latest = Long.MIN_VALUE;
        for (Map.Entry<String, byte[]> e : hash.entrySet()) {
            String field = e.getKey();
            if (field.startsWith(VERSION_PREFIX)) {
                continue;
            }
            if (field.equals(LIFETIME_FIELD)) {
                lifetime = decode(aggregator, key, field, e.getValue());
                latest = Math.max(latest, lifetime.latestEventTime());
                continue;
            }
            long start = parseStart(key, field);
            if (start >= fromTile) {
                Tile t = decode(aggregator, key, field, e.getValue());
                tiles.add(t);
                latest = Math.max(latest, t.latestEventTime());
            } else {
                latest = Math.max(latest, header(key, field, e.getValue()));
            }
        }
        if (lifetime == null && tiles.isEmpty() && latest == Long.MIN_VALUE) {
            return EntityTiles.none(entity);
        }
        tiles.sort(Comparator.comparingLong(Tile::start));
        return new EntityTiles(entity, lifetime, tiles, latest);
    }

    private static long parseStart(String key, String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new CorruptDataException("online store: field '" + field + "' of hash " + key
                    + " is neither 'lifetime', a tile start in decimal nor a version field 'v:...'", e);
        }
    }

    private Tile decode(ViewAggregator aggregator, String key, String field, byte[] value) {
        try {
            return aggregator.decode(value);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("online store " + uri + ": tile " + field + " of hash " + key + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private long header(String key, String field, byte[] value) {
        try {
            return ViewAggregator.header(value).latestEventTime();
        } catch (CorruptDataException e) {
            throw new CorruptDataException("online store " + uri + ": tile " + field + " of hash " + key + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<FeatureVector> read(List<FeatureRef> features, List<EntityKey> entities, long now) {
        return reader.read(this::getTiles, features, entities, now);
    }

    @Override
    public Map<TilePartition, Long> offsets() {
        checkOpen();
        Map<String, byte[]> hash = await.get(reads.async().hgetall(offsetsKey()), "reading the offsets");
        Map<TilePartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : hash.entrySet()) {
            String field = e.getKey();
            String value = new String(e.getValue(), StandardCharsets.US_ASCII);
            int colon = field.lastIndexOf(':');
            try {
                out.put(new TilePartition(field.substring(0, colon), Integer.parseInt(field.substring(colon + 1))), Long.parseLong(value));
            } catch (RuntimeException ex) {
                throw new CorruptDataException("online store " + uri + ": offset field '" + field + "' = '" + value + "' of hash "
                        + offsetsKey() + " is malformed (expected <topic>:<partition> = next offset in decimal)", ex);
            }
        }
        return out;
    }

    /**
     * {@inheritDoc} {@code SCAN}s the hashes of each swept view and runs {@link RedisScripts#SWEEP}
     * on each page of them, pipelined; the write connection is taken per page, not for the whole scan.
     */
    @Override
    public long sweep(long now) {
        checkOpen();
        long removed = 0;
        for (FeatureView view : reader.definitions().featureViews()) {
            if (!SweepRule.sweeps(view)) {
                continue;
            }
            byte[] last = ascii(Long.toString(SweepRule.lastExpiredStart(reader.aggregator(view.name()), now)));
            ScanArgs match = ScanArgs.Builder.matches(globEscape(prefix + "tiles:" + view.name() + ":") + "*").limit(SCAN_COUNT);
            String action = "sweeping the tiles of view '" + view.name() + "'";
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = await.get(reads.async().scan(cursor, match), action);
                List<RedisScripts.Call> calls = new ArrayList<>(page.getKeys().size());
                for (String key : page.getKeys()) {
                    calls.add(new RedisScripts.Call(key, new byte[][]{last}));
                }
                if (!calls.isEmpty()) {
                    writeLock.lock();
                    try {
                        checkOpen();
                        removed += scripts.run(writes, RedisScripts.Script.SWEEP, calls, await, action);
                    } finally {
                        writeLock.unlock();
                    }
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
        return removed;
    }

    private static String globEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** How many writes of views not in the definitions were skipped since the store was opened. */
    long skippedUnknownViews() {
        return unknownViews.count();
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            await.closed = true;
        } finally {
            writeLock.unlock();
        }
        shutdown(client, reads, writes);
    }

    private static void shutdown(RedisClient client, StatefulRedisConnection<?, ?> reads, StatefulRedisConnection<?, ?> writes) {
        try {
            if (writes != null) {
                writes.close();
            }
            if (reads != null) {
                reads.close();
            }
        } finally {
            client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("online store " + uri + " is closed");
        }
    }
}
