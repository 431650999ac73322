package dev.freshet.bench.offline;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The offline benchmark's workload: its size, where its files are, and the definitions they follow.
 * The data directory holds {@code events/clicks/date=YYYY-MM-DD/part-0.parquet} (the archive layout,
 * each file sorted by (user_id, ts, partition, offset)), {@code spine.parquet}, {@code manifest.tsv}
 * (one line per event file: path, rows, min and max event time in ms) and {@link #MARKER}, written
 * last, which names the parameters the data was generated with.
 *
 * @param dir      the data directory
 * @param events   number of events
 * @param entities number of distinct users
 * @param days     number of days (one {@code date=} partition each), from {@link #START}
 * @param spine    number of spine rows
 * @param seed     the seed of everything random
 */
public record OfflineWorkload(Path dir, long events, int entities, int days, int spine, long seed) {

    /** The first day of the events: fixed, so that the same parameters give the same files. */
    public static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final long DAY_MS = 86_400_000L;
    static final long TILE_MS = 60_000L;
    static final long WINDOW_MS = 3_600_000L;
    static final String MARKER = "generated.properties";

    /** The view the benchmark joins: one lifetime {@code last} and one 1-hour {@code sum}, 1-minute tiles, no ttl. */
    static final String YAML = """
            project: offline_bench
            offline_store: {path: ./data/offline}
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                topic: clicks
                format: json
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
            feature_views:
              - name: user_activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: last_item, function: last, field: item_id}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
            """;

    public OfflineWorkload {
        if (events < 1 || entities < 1 || days < 1 || spine < 1) {
            throw new IllegalArgumentException("events, entities, days and spine rows must be positive, not " + events + ", " + entities
                    + ", " + days + ", " + spine);
        }
        if (entities >= 1 << 27) {
            throw new IllegalArgumentException("at most 2^27 entities, not " + entities);
        }
        if (events / days >= 1L << 31) {
            throw new IllegalArgumentException("at most 2^31 events per day, not " + events / days);
        }
    }

    /** Parses {@code [dir] [events] [entities] [days] [spine rows] [seed]} from {@code args[from]} on, with the defaults. */
    static OfflineWorkload fromArgs(String[] args, int from) {
        return new OfflineWorkload(
                Path.of(arg(args, from, "target/offline-bench")),
                Long.parseLong(arg(args, from + 1, "10000000")),
                Integer.parseInt(arg(args, from + 2, "100000")),
                Integer.parseInt(arg(args, from + 3, "7")),
                Integer.parseInt(arg(args, from + 4, "1000000")),
                Long.parseLong(arg(args, from + 5, "42")));
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }

    /** The arguments {@link #fromArgs} reads back. */
    List<String> toArgs() {
        return List.of(dir.toString(), Long.toString(events), Integer.toString(entities), Integer.toString(days), Integer.toString(spine),
                Long.toString(seed));
    }

    static Definitions definitions() {
        return FreshetConfig.parse(YAML, "offline-bench.yaml").definitions();
    }

    static Source clicks() {
        return definitions().source("clicks").orElseThrow();
    }

    Path eventsDir() {
        return dir.resolve("events").resolve("clicks");
    }

    /** The glob DuckDB reads the archive with. */
    String eventsGlob() {
        return eventsDir().toAbsolutePath() + "/date=*/*.parquet";
    }

    Path spineFile() {
        return dir.resolve("spine.parquet");
    }

    Path manifest() {
        return dir.resolve("manifest.tsv");
    }

    Path resultsDir() {
        return dir.resolve("results");
    }

    /** The user id of entity {@code i}: zero-padded, so that string order is numeric order. */
    String userId(int i) {
        return String.format(Locale.ROOT, "user-%0" + Integer.toString(entities - 1).length() + "d", i);
    }

    /** What the marker file holds for these parameters. */
    String markerText() {
        return String.format(Locale.ROOT, "format=2%nevents=%d%nentities=%d%ndays=%d%nspine=%d%nseed=%d%n", events, entities, days, spine, seed);
    }

    /** Whether the directory holds data generated with exactly these parameters. */
    boolean generated() {
        Path marker = dir.resolve(MARKER);
        try {
            return Files.isRegularFile(marker) && Files.readString(marker).equals(markerText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker, e);
        }
    }

    /** One event file as the manifest lists it. */
    record EventFile(Path path, long rows, long minEventTime, long maxEventTime) {
    }

    List<EventFile> eventFiles() {
        try {
            List<EventFile> files = new ArrayList<>();
            for (String line : Files.readAllLines(manifest())) {
                String[] f = line.split("\t");
                files.add(new EventFile(Path.of(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest " + manifest() + " (generate the data first)", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d events over %,d users and %d days, %,d spine rows, seed %d, in %s", events, entities, days,
                spine, seed, dir);
    }
}
