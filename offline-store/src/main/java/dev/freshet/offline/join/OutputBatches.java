package dev.freshet.offline.join;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The training set's batches in spine order: each batch of a second scan of the spine (its vectors
 * transferred, not copied), beside the feature values read from each source's results in row
 * order. Not thread-safe; close it to end the scan.
 */
final class OutputBatches implements AutoCloseable {

    private final BufferAllocator allocator;
    private final JoinPlan plan;
    private final Schema schema;
    private final SpineFile.Scan scan;
    private final List<SourceResults> results;
    private long row;
    private boolean emitted;

    /**
     * @param results one per source of the plan (same order)
     */
    OutputBatches(BufferAllocator allocator, JoinPlan plan, Schema schema, SpineFile spine, List<SourceResults> results) {
        this.allocator = allocator;
        this.plan = plan;
        this.schema = schema;
        this.results = results;
        this.scan = spine.scan(allocator, Optional.empty());
    }

    /** The next batch (the caller closes it), or null after the last. An empty spine gives one empty batch. */
    VectorSchemaRoot next() {
        if (!scan.next()) {
            if (emitted) {
                return null;
            }
            emitted = true;
            return VectorSchemaRoot.create(schema, allocator);
        }
        emitted = true;
        VectorSchemaRoot in = scan.root();
        int n = in.getRowCount();
        List<FieldVector> vectors = new ArrayList<>(schema.getFields().size());
        for (FieldVector v : in.getFieldVectors()) {
            var transfer = v.getTransferPair(allocator);
            transfer.transfer();
            vectors.add((FieldVector) transfer.getTo());
        }
        List<Field> fields = schema.getFields();
        int spineColumns = in.getFieldVectors().size();
        FieldVector[] features = new FieldVector[plan.columns().size()];
        try {
            for (int c = 0; c < features.length; c++) {
                features[c] = fields.get(spineColumns + c).createVector(allocator);
                features[c].setInitialCapacity(n);
                features[c].allocateNew();
            }
            for (SourceResults source : results) {
                source.fill(row, n, features);
            }
            for (FieldVector f : features) {
                f.setValueCount(n);
                vectors.add(f);
            }
        } catch (RuntimeException e) {
            vectors.forEach(FieldVector::close);
            for (FieldVector f : features) {
                if (f != null) {
                    f.close();
                }
            }
            throw e;
        }
        row += n;
        return new VectorSchemaRoot(fields, vectors, n);
    }

    @Override
    public void close() {
        scan.close();
    }
}
