package dev.freshet.bench.offline;

import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ParquetFiles;
import dev.freshet.offline.join.PointInTimeJoin;
import dev.freshet.offline.join.TrainingSetRequest;
import dev.freshet.offline.join.TrainingSetSummary;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Freshet side: {@link PointInTimeJoin#writeFile} over the generated archive (each file listed
 * as sorted and with its key runs, as compaction leaves it), one feature per query, short feature
 * names. {@link MeasuredRun} loads it by name. {@code -Dfreshet.bench.keyRuns=false} lists the files
 * without their key runs, so that the join reads their key columns (to measure what the runs save).
 */
final class FreshetJoinSide implements JoinSide {

    private static final boolean KEY_RUNS = Boolean.parseBoolean(System.getProperty("freshet.bench.keyRuns", "true"));

    @Override
    public void prepare(OfflineWorkload w) {
        try (BufferAllocator allocator = new RootAllocator()) {
            ParquetFiles.schema(allocator, w.spineFile()); // loads Arrow Dataset's native library
        }
    }

    @Override
    public void run(OfflineWorkload w, Query query, Path out, long memoryBudget) throws Exception {
        List<ArchivedFile> files = w.eventFiles().stream()
                .map(f -> new ArchivedFile(f.path(), f.rows(), f.minEventTime(), f.maxEventTime(), true, KEY_RUNS))
                .toList();
        Path spill = Files.createDirectories(w.dir().resolve("spill"));
        try (BufferAllocator allocator = new RootAllocator()) {
            PointInTimeJoin join = PointInTimeJoin.builder()
                    .definitions(OfflineWorkload.definitions())
                    .archive(source -> source.name().equals("clicks") ? files : List.of())
                    .allocator(allocator)
                    .memoryBudget(memoryBudget)
                    .spillDirectory(spill)
                    .freshetVersion("bench")
                    .build();
            TrainingSetRequest request = new TrainingSetRequest(w.spineFile(), "user_id", "ts",
                    List.of(new FeatureRef("user_activity", query.feature)), false);
            TrainingSetSummary summary = join.writeFile(request, out);
            System.out.println("freshet: " + summary);
        }
    }
}
