package dev.freshet.online;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksObject;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The native side of {@link RocksDbOnlineStore}: the database in its directory, its two column
 * families ({@code default} for tiles, {@code meta} for the layout version and the offsets), the
 * options they were opened with, and the block cache and bloom filter those options share; all
 * closed together, in the order RocksDB needs. The layout is {@link RocksDbKeys}'.
 *
 * <p>Not guarded: the store makes sure nothing uses these objects once {@link #close()} starts.
 */
final class RocksDbDatabase implements AutoCloseable {

    static final String META_FAMILY = "meta";
    /** The block cache: index, filter and data blocks of the tiles. */
    static final long BLOCK_CACHE_BYTES = 64L << 20;

    static {
        RocksDB.loadLibrary();
    }

    final Path path;
    final RocksDB db;
    final ColumnFamilyHandle tiles;
    final ColumnFamilyHandle meta;
    /** For reads of one (view, entity): iterators stay within the seek target's prefix. */
    final ReadOptions prefixRead;
    /** Without fsync; the WAL is kept. */
    final WriteOptions write;
    // every native object, in order of creation; closed in reverse
    private final List<RocksObject> resources;

    private RocksDbDatabase(Path path, RocksDB db, List<ColumnFamilyHandle> handles, ReadOptions prefixRead,
                            WriteOptions write, List<RocksObject> resources) {
        this.path = path;
        this.db = db;
        this.tiles = handles.get(0);
        this.meta = handles.get(1);
        this.prefixRead = prefixRead;
        this.write = write;
        this.resources = resources;
    }

    /**
     * Opens (creating when missing) the database in a directory.
     *
     * @throws TransientException when another process (probably another Freshet) has the directory open
     * @throws InvalidInputException when the directory cannot be created or holds something else
     * @throws CorruptDataException when the database cannot be read or has an unknown layout version
     */
    static RocksDbDatabase open(Path directory) {
        Path path = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new InvalidInputException("online store directory " + path + " cannot be created (" + e
                    + "); check the permissions of its parent, or change online_store.path", e);
        }
        List<RocksObject> resources = new ArrayList<>();
        try {
            LRUCache cache = add(resources, new LRUCache(BLOCK_CACHE_BYTES));
            BloomFilter bloom = add(resources, new BloomFilter(10));
            // Whole-key filtering serves putTiles' multiGet, the 8-byte prefix filter serves reads' seeks.
            // optimize_filters_for_hits is left off: lookups of entities never seen (new users) are
            // common in serving, and they are exactly what the last level's filters answer cheaply.
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setFilterPolicy(bloom)
                    .setWholeKeyFiltering(true)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            ColumnFamilyOptions tileOptions = add(resources, new ColumnFamilyOptions()
                    .useFixedLengthPrefixExtractor(RocksDbKeys.HASH_LENGTH)
                    .setMemtablePrefixBloomSizeRatio(0.1)
                    .setMemtableWholeKeyFiltering(true)
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                    .setLevelCompactionDynamicLevelBytes(true));
            ColumnFamilyOptions metaOptions = add(resources, new ColumnFamilyOptions());
            DBOptions dbOptions = add(resources, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setKeepLogFileNum(5));
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tileOptions),
                    new ColumnFamilyDescriptor(META_FAMILY.getBytes(StandardCharsets.UTF_8), metaOptions));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = openDb(path, dbOptions, families, handles);
            // the handles are closed before the database, which is closed before its options
            resources.add(db);
            resources.addAll(handles);
            ReadOptions prefixRead = add(resources, new ReadOptions().setPrefixSameAsStart(true));
            WriteOptions write = add(resources, new WriteOptions().setSync(false));
            checkFormat(path, db, handles.get(1));
            return new RocksDbDatabase(path, db, handles, prefixRead, write, resources);
        } catch (RuntimeException | Error e) {
            closeAll(resources);
            throw e;
        }
    }

    private static RocksDB openDb(Path path, DBOptions options, List<ColumnFamilyDescriptor> families, List<ColumnFamilyHandle> handles) {
        try {
            return RocksDB.open(options, path.toString(), families, handles);
        } catch (RocksDBException e) {
            String message = String.valueOf(e.getMessage());
            Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
            if (message.contains("lock hold by current process") || message.contains("LOCK")
                    || message.toLowerCase(Locale.ROOT).contains("resource temporarily unavailable")) {
                throw new TransientException("online store directory " + path + " is locked: another Freshet is probably "
                        + "running on it (stop it, or give this one another online_store.path); RocksDB says: " + message, e);
            }
            if (code == Status.Code.InvalidArgument) {
                throw new InvalidInputException("online store directory " + path + " holds a RocksDB database that is not "
                        + "Freshet's online store (" + message + "); change online_store.path", e);
            }
            if (code == Status.Code.IOError) {
                throw new TransientException("online store directory " + path + " cannot be opened: " + message
                        + " (check free disk space and permissions)", e);
            }
            throw new CorruptDataException("online store directory " + path + " cannot be opened: " + message, e);
        }
    }

    private static void checkFormat(Path path, RocksDB db, ColumnFamilyHandle meta) {
        try {
            byte[] stored = db.get(meta, RocksDbKeys.FORMAT_KEY);
            if (stored == null) {
                db.put(meta, RocksDbKeys.FORMAT_KEY, RocksDbKeys.FORMAT.getBytes(StandardCharsets.UTF_8));
            } else if (!RocksDbKeys.FORMAT.equals(new String(stored, StandardCharsets.UTF_8))) {
                throw new CorruptDataException("online store directory " + path + " has layout version '"
                        + new String(stored, StandardCharsets.UTF_8) + "'; this Freshet reads version " + RocksDbKeys.FORMAT
                        + " (was it written by another Freshet version? use a new online_store.path; the tile topics refill it)");
            }
        } catch (RocksDBException e) {
            throw failure("checking the layout version of", path, e);
        }
    }

    /** Closes every native object; idempotent. */
    @Override
    public void close() {
        closeAll(resources);
    }

    /**
     * The exception for a failed operation: corruption is {@link CorruptDataException}, anything else
     * (I/O, a busy or shutting-down database) is worth a retry.
     */
    static FreshetException failure(String action, Path path, RocksDBException e) {
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        String message = "online store: " + action + " " + path + " failed: " + e.getMessage();
        return code == Status.Code.Corruption ? new CorruptDataException(message, e) : new TransientException(message, e);
    }

    private static <T extends RocksObject> T add(List<RocksObject> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes in reverse order of creation: options of reads and writes, handles, the database, its options, the filter and the cache. */
    private static void closeAll(List<RocksObject> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
    }
}
