package dev.freshet.bench.offline;

import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.archive.KeyRuns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates the offline benchmark's data (see {@link OfflineWorkload}), deterministically from its seed:
 * <ul>
 *   <li>events of {@code clicks}: users uniform, times uniform within each day, 50,000 items, prices
 *       0.01 – 1,000.00; no two events of a user at the same millisecond (a tie would make
 *       DuckDB's ASOF pick either row, while Freshet's {@code last} takes the later offset), so {@code last}
 *       has one right answer. Partition = user mod 8, offsets unique per partition. No null values.
 *       As compaction leaves them: one file per date, sorted, with its {@link KeyRuns} beside it.</li>
 *   <li>the spine: users uniform, times uniform over the days, unsorted, a 0/1 label; plus 2 % of rows
 *       placed on the edges of the semantics, at an existing event's time {@code te} of that user:
 *       {@code t = te} (excluded), {@code te + 1} (included), {@code te + 1h + 1} (in the 1-hour window only
 *       because its start is floored to the tile), {@code floor_tile(te) + 1h + 1m} (just out of it).</li>
 * </ul>
 * <pre>
 * java ... dev.freshet.bench.offline.OfflineDataGenerator [dir] [events] [entities] [days] [spine rows] [seed]
 * </pre>
 */
public final class OfflineDataGenerator {

    static final int PARTITIONS = 8;
    static final int ITEMS = 50_000;
    private static final int BATCH = 65_536;
    private static final int TS_BITS = 27; // 86,400,000 ms < 2^27
    private static final long TS_MASK = (1L << TS_BITS) - 1;

    private OfflineDataGenerator() {
    }

    public static void main(String[] args) {
        generateIfMissing(OfflineWorkload.fromArgs(args, 0));
    }

    /** Generates the data unless the directory already holds it for the same parameters. */
    static void generateIfMissing(OfflineWorkload w) {
        if (w.generated()) {
            System.out.println("data already generated: " + w);
            return;
        }
        System.out.println("generating " + w);
        long start = System.nanoTime();
        try {
            clean(w);
            Files.createDirectories(w.dir());
            try (BufferAllocator allocator = new RootAllocator()) {
                long[][] edges = writeEvents(w, allocator);
                writeSpine(w, allocator, edges);
                awaitReleased(allocator);
            }
            Files.writeString(w.dir().resolve(OfflineWorkload.MARKER), w.markerText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the data in " + w.dir() + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "generated in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * Waits (up to 10 s) until every buffer is released. ParquetFiles.write can return before Arrow
     * Dataset's native writer has released the last batch it was handed (seen: about 400 KB left in
     * half of the runs), and closing the allocator then reports a leak that is none.
     */
    private static void awaitReleased(BufferAllocator allocator) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void clean(OfflineWorkload w) throws IOException {
        for (Path p : List.of(w.dir().resolve(OfflineWorkload.MARKER), w.dir().resolve("events"), w.spineFile(), w.manifest(),
                w.resultsDir())) {
            if (Files.exists(p)) {
                try (var s = Files.walk(p)) {
                    for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    /** Writes the event files and the manifest; returns the sampled edge events: {user, time} pairs. */
    private static long[][] writeEvents(OfflineWorkload w, BufferAllocator allocator) throws IOException {
        ArchiveSchema layout = ArchiveSchema.of(OfflineWorkload.clicks());
        byte[][] users = new byte[w.entities()][];
        for (int i = 0; i < users.length; i++) {
            users[i] = w.userId(i).getBytes(StandardCharsets.UTF_8);
        }
        byte[][] items = new byte[ITEMS][];
        for (int i = 0; i < items.length; i++) {
            items[i] = String.format(Locale.ROOT, "item-%05d", i).getBytes(StandardCharsets.UTF_8);
        }
        int edgeCount = w.spine() / 50;
        long[][] edges = new long[edgeCount][];
        int edgesFound = 0;
        long[] nextOffset = new long[PARTITIONS];
        StringBuilder manifest = new StringBuilder();
        long startMs = OfflineWorkload.START.toEpochMilli();
        long written = 0;
        for (int day = 0; day < w.days(); day++) {
            long dayStart = startMs + day * OfflineWorkload.DAY_MS;
            int n = (int) (w.events() * (day + 1) / w.days() - w.events() * day / w.days());
            SplittableRandom random = new SplittableRandom(w.seed() * 1_000_003L + day);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = ((long) random.nextInt(w.entities()) << TS_BITS) | random.nextLong(OfflineWorkload.DAY_MS - 10_000);
            }
            Arrays.parallelSort(keys);
            for (int i = 1; i < n; i++) {
                if (keys[i] <= keys[i - 1] && keys[i] >>> TS_BITS == keys[i - 1] >>> TS_BITS) {
                    keys[i] = keys[i - 1] + 1; // one event per user and millisecond; stays within the day (10 s margin)
                }
            }
            int edgesToday = (int) ((long) edgeCount * (day + 1) / w.days() - (long) edgeCount * day / w.days());
            for (int i = 0; i < edgesToday && n > 0; i++) {
                long k = keys[random.nextInt(n)];
                edges[edgesFound++] = new long[]{k >>> TS_BITS, dayStart + (k & TS_MASK)};
            }
            Path file = w.eventsDir().resolve("date=" + LocalDate.ofInstant(OfflineWorkload.START, ZoneOffset.UTC).plusDays(day))
                    .resolve("part-0.parquet");
            long[] minMax = {Long.MAX_VALUE, Long.MIN_VALUE};
            int[] at = {0};
            ParquetFiles.write(allocator, layout.arrowSchema(), root -> {
                if (at[0] == n) {
                    return false;
                }
                root.allocateNew(); // fresh buffers: the writer may still read the previous batch's
                VarCharVector user = (VarCharVector) root.getVector(0);
                VarCharVector item = (VarCharVector) root.getVector(1);
                Float8Vector price = (Float8Vector) root.getVector(2);
                TimeStampMilliTZVector ts = (TimeStampMilliTZVector) root.getVector(3);
                TimeStampMilliTZVector eventTime = (TimeStampMilliTZVector) root.getVector(ArchiveSchema.EVENT_TIME);
                IntVector partition = (IntVector) root.getVector(ArchiveSchema.PARTITION);
                BigIntVector offset = (BigIntVector) root.getVector(ArchiveSchema.OFFSET);
                int rows = Math.min(BATCH, n - at[0]);
                for (int r = 0; r < rows; r++) {
                    long k = keys[at[0]++];
                    int u = (int) (k >>> TS_BITS);
                    long t = dayStart + (k & TS_MASK);
                    minMax[0] = Math.min(minMax[0], t);
                    minMax[1] = Math.max(minMax[1], t);
                    int p = u % PARTITIONS;
                    user.setSafe(r, users[u]);
                    item.setSafe(r, items[random.nextInt(ITEMS)]);
                    price.setSafe(r, random.nextInt(1, 100_001) / 100.0);
                    ts.setSafe(r, t);
                    eventTime.setSafe(r, t);
                    partition.setSafe(r, p);
                    offset.setSafe(r, nextOffset[p]++);
                }
                root.setRowCount(rows);
                return true;
            }, file);
            KeyRuns.Builder runs = new KeyRuns.Builder();
            for (int i = 0; i < n; ) {
                int u = (int) (keys[i] >>> TS_BITS);
                int end = i + 1;
                while (end < n && (int) (keys[end] >>> TS_BITS) == u) {
                    end++;
                }
                runs.add(w.userId(u), end - i);
                i = end;
            }
            runs.write(file);
            manifest.append(file.toAbsolutePath()).append('\t').append(n).append('\t').append(minMax[0]).append('\t').append(minMax[1])
                    .append('\n');
            written += n;
            System.out.printf(Locale.ROOT, "  events: day %d of %d written, %,d of %,d events%n", day + 1, w.days(), written, w.events());
        }
        Files.writeString(w.manifest(), manifest);
        return Arrays.copyOf(edges, edgesFound);
    }

    static Schema spineSchema() {
        return new Schema(List.of(
                Field.nullable("user_id", ArrowType.Utf8.INSTANCE),
                Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")),
                Field.nullable("label", new ArrowType.Int(32, true))));
    }

    private static void writeSpine(OfflineWorkload w, BufferAllocator allocator, long[][] edges) {
        SplittableRandom random = new SplittableRandom(w.seed() ^ 0x5EED_5EED_5EEDL);
        int s = w.spine();
        int[] user = new int[s];
        long[] ts = new long[s];
        long from = OfflineWorkload.START.toEpochMilli();
        long span = w.days() * OfflineWorkload.DAY_MS;
        for (int i = 0; i < s; i++) {
            if (i < edges.length) {
                long te = edges[i][1];
                user[i] = (int) edges[i][0];
                ts[i] = switch (i % 4) {
                    case 0 -> te;
                    case 1 -> te + 1;
                    case 2 -> te + OfflineWorkload.WINDOW_MS + 1;
                    default -> Math.floorDiv(te, OfflineWorkload.TILE_MS) * OfflineWorkload.TILE_MS + OfflineWorkload.WINDOW_MS
                            + OfflineWorkload.TILE_MS;
                };
            } else {
                user[i] = random.nextInt(w.entities());
                ts[i] = from + random.nextLong(span);
            }
        }
        for (int i = s - 1; i > 0; i--) { // the edge rows anywhere, not first
            int j = random.nextInt(i + 1);
            int u = user[i];
            user[i] = user[j];
            user[j] = u;
            long t = ts[i];
            ts[i] = ts[j];
            ts[j] = t;
        }
        int[] at = {0};
        ParquetFiles.write(allocator, spineSchema(), root -> {
            if (at[0] == s) {
                return false;
            }
            root.allocateNew();
            VarCharVector u = (VarCharVector) root.getVector(0);
            TimeStampMilliTZVector t = (TimeStampMilliTZVector) root.getVector(1);
            IntVector label = (IntVector) root.getVector(2);
            int rows = Math.min(BATCH, s - at[0]);
            for (int r = 0; r < rows; r++, at[0]++) {
                u.setSafe(r, w.userId(user[at[0]]).getBytes(StandardCharsets.UTF_8));
                t.setSafe(r, ts[at[0]]);
                label.setSafe(r, random.nextInt(2));
            }
            root.setRowCount(rows);
            return true;
        }, w.spineFile());
        System.out.printf(Locale.ROOT, "  spine: %,d rows written (%,d on the edges of the semantics)%n", s, edges.length);
    }
}
