package dev.freshet.core.testing;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random event streams for property tests: few entities, timestamps clustered so that
 * tiles hold several events and some share a millisecond, values with nulls, duplicates, empty
 * strings, negatives and extreme magnitudes. Other modules reuse it through the core test-jar.
 */
public final class RandomEvents {

    /** {@code user_id, item_id: string; price: double; qty: long; flag: boolean; ts: timestamp}. */
    public static final Schema SCHEMA = Schema.of(
            new Field("user_id", FieldType.STRING),
            new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE),
            new Field("qty", FieldType.LONG),
            new Field("flag", FieldType.BOOLEAN),
            new Field("ts", FieldType.TIMESTAMP));

    private static final double[] EXTREME = {0.0, -0.0, 1e-300, -1e12, 1e12, 123456789.125, -7.5};
    private static final long[] EXTREME_LONG = {0, -1, 1L << 40, -(1L << 40), Integer.MAX_VALUE};

    private final SplittableRandom random;
    private final int entities;
    private final int items;

    public RandomEvents(long seed, int entities, int items) {
        this.random = new SplittableRandom(seed);
        this.entities = entities;
        this.items = items;
    }

    public SplittableRandom random() {
        return random;
    }

    /**
     * {@code n} events with timestamps in {@code [from, from + span)}, in log order: roughly time
     * ordered in steps, shuffled locally, with about a tenth of them late by up to {@code span / 10}.
     */
    public List<Event> stream(int n, long from, long span) {
        List<Event> out = new ArrayList<>(n);
        long step = Math.max(1, span / Math.max(1, n));
        long clock = from;
        for (int i = 0; i < n; i++) {
            clock += random.nextLong(0, 2 * step + 1);
            long ts = clock;
            int roll = random.nextInt(20);
            if (roll < 2) {
                ts -= random.nextLong(0, Math.max(1, span / 10));       // late
            } else if (roll < 4 && !out.isEmpty()) {
                ts = out.get(random.nextInt(out.size())).timestamp(); // the same millisecond as another event
            }
            ts = Math.max(from, Math.min(from + span - 1, ts));
            out.add(event(ts));
        }
        return out;
    }

    /** One event at {@code ts} with random field values. */
    public Event event(long ts) {
        Event.Builder b = Event.builder(SCHEMA).timestamp(ts);
        String user = "u" + random.nextInt(entities);
        b.key(user).set("user_id", user);
        if (random.nextInt(10) > 0) {
            int item = random.nextInt(items);
            b.set("item_id", item == 0 ? "" : "item-" + item);
        }
        if (random.nextInt(8) > 0) {
            b.set("price", random.nextInt(10) == 0 ? EXTREME[random.nextInt(EXTREME.length)]
                    : Math.round(random.nextDouble(-50, 500) * 100) / 100.0);
        }
        if (random.nextInt(8) > 0) {
            b.set("qty", random.nextInt(10) == 0 ? EXTREME_LONG[random.nextInt(EXTREME_LONG.length)] : random.nextLong(-5, 100));
        }
        if (random.nextInt(5) > 0) {
            b.set("flag", random.nextBoolean());
        }
        b.set("ts", ts);
        return b.build();
    }
}
