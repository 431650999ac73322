package dev.freshet.features.testing;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.ingest.testing.TopicReader;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Waits until a tiles topic holds exactly the reference tiles, and says how it differs when it never does. */
public final class Convergence {

    private Convergence() {
    }

    /** The committed final state of a tiles topic. */
    public static Map<TileKey, byte[]> tiles(String bootstrap, String topic) {
        List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrap, topic)) {
            entries.add(new AbstractMap.SimpleEntry<>(r.key(), r.value()));
        }
        return FeatureFixtures.latest(entries);
    }

    /** Empty when the topic equals the reference; else a description of the first differences. */
    public static String difference(ViewAggregator agg, Map<TileKey, Tile> reference, Map<TileKey, byte[]> actual) {
        List<String> out = new ArrayList<>();
        int missing = 0;
        int wrong = 0;
        for (Map.Entry<TileKey, Tile> e : reference.entrySet()) {
            byte[] got = actual.get(e.getKey());
            if (got == null) {
                if (missing++ < 3) {
                    out.add("missing " + e.getKey() + " (expected version " + e.getValue().version() + ")");
                }
            } else if (!Arrays.equals(got, agg.encode(e.getValue()))) {
                if (wrong++ < 3) {
                    out.add("different " + e.getKey() + ": version " + agg.decode(got).version() + ", expected " + e.getValue().version());
                }
            }
        }
        long extra = actual.keySet().stream().filter(k -> !reference.containsKey(k)).count();
        if (missing == 0 && wrong == 0 && extra == 0) {
            return "";
        }
        return reference.size() + " tiles expected, " + actual.size() + " published: " + missing + " missing, " + wrong
                + " different, " + extra + " unexpected; " + String.join("; ", out);
    }

    /** Polls the topic until it equals the reference or the timeout passes; returns the last difference ("" when equal). */
    public static String await(String bootstrap, String topic, ViewAggregator agg, Map<TileKey, Tile> reference, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String diff;
        do {
            diff = difference(agg, reference, tiles(bootstrap, topic));
            if (diff.isEmpty()) {
                return diff;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return diff;
    }
}
