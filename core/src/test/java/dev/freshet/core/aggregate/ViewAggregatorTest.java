package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.Event;
import dev.freshet.core.testing.RandomEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract of ViewAggregator beyond the property test: worked examples, argument checks, codec errors, evolution. */
class ViewAggregatorTest {

    private static final long MIN = 60_000;
    private static final long T0 = 1_700_000_040_000L; // a minute boundary

    private static FeatureView view(FeatureDefinition... features) {
        return new FeatureView("user_activity", "user", "clicks", Duration.ofMinutes(1), Duration.ofDays(7), List.of(features));
    }

    private static Event click(long ts, String item, Double price) {
        return Event.builder(RandomEvents.SCHEMA).key("u1").timestamp(ts).set("user_id", "u1")
                .set("item_id", item).set("price", price).set("ts", ts).build();
    }

    @Test
    void fiveMinuteCountSlidesAndDecaysWithoutNewEvents() {
        ViewAggregator agg = ViewAggregator.of(view(
                new FeatureDefinition("clicks_5m", AggregationFunction.COUNT, null, Duration.ofMinutes(5)),
                new FeatureDefinition("clicks_total", AggregationFunction.COUNT, null, null)), RandomEvents.SCHEMA);
        Tile tile = agg.newTile(T0);
        agg.add(tile, click(T0 + 10_000, "a", 1.0));
        Tile headAtFirstClick = agg.copy(tile);
        agg.add(tile, click(T0 + 20_000, "b", 2.0));
        List<Tile> tiles = List.of(tile);

        // the head tile given for a lookup at t holds only events before t (the caller's side of the contract)
        FeatureValue atFirstClick = agg.evaluate(0, List.of(agg.newTile(T0)), T0 + 10_000);
        assertThat(atFirstClick.value()).as("an event at exactly t is excluded").isEqualTo(0L);
        assertThat(atFirstClick.eventTime()).isEqualTo(Long.MIN_VALUE);
        assertThat(agg.evaluate(0, List.of(headAtFirstClick), T0 + 20_000).value()).isEqualTo(1L);
        assertThat(agg.evaluate(0, tiles, T0 + 30_000).value()).isEqualTo(2L);
        assertThat(agg.evaluate(0, tiles, T0 + 30_000).eventTime()).isEqualTo(T0 + 20_000);
        assertThat(agg.evaluate(0, tiles, T0 + MIN).value()).as("t on the next tile boundary").isEqualTo(2L);
        // window [floor(t) - 5m, t): the tile at T0 is in it until t reaches T0 + 6m
        assertThat(agg.evaluate(0, tiles, T0 + 6 * MIN - 1).value()).isEqualTo(2L);
        assertThat(agg.evaluate(0, tiles, T0 + 6 * MIN).value()).as("decayed to 0 with no new event").isEqualTo(0L);
        assertThat(agg.evaluate(1, tiles, T0 + 365 * 24 * 60 * MIN).value()).as("lifetime never decays").isEqualTo(2L);
        assertThat(agg.evaluate(1, tiles, T0).value()).as("nothing before the first tile").isEqualTo(0L);
    }

    @Test
    void featuresWithTheSameFunctionAndFieldShareOneState() {
        ViewAggregator agg = ViewAggregator.of(view(
                new FeatureDefinition("c5", AggregationFunction.COUNT, null, Duration.ofMinutes(5)),
                new FeatureDefinition("c1h", AggregationFunction.COUNT, null, Duration.ofHours(1)),
                new FeatureDefinition("p50", AggregationFunction.QUANTILE, "price", null, 0.5),
                new FeatureDefinition("p99", AggregationFunction.QUANTILE, "price", null, 0.99),
                new FeatureDefinition("sum", AggregationFunction.SUM, "price", null)), RandomEvents.SCHEMA);
        assertThat(agg.stateCount()).isEqualTo(3);
        assertThat(agg.featureIndex("p99")).isEqualTo(3);
        assertThat(agg.featureIndex("nope")).isEqualTo(-1);
    }

    @Test
    void rejectsEventsOutsideTheTileAndUnalignedTiles() {
        ViewAggregator agg = ViewAggregator.of(view(new FeatureDefinition("c", AggregationFunction.COUNT, null, null)), RandomEvents.SCHEMA);
        Tile tile = agg.newTile(T0);
        assertThatThrownBy(() -> agg.add(tile, click(T0 + MIN, "a", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside tile");
        assertThatThrownBy(() -> agg.add(tile, click(T0 - 1, "a", 1.0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> agg.newTile(T0 + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a multiple of the tile length 60000 ms");
        assertThat(agg.tileStart(-1)).as("negative times floor downwards").isEqualTo(-MIN);
    }

    @Test
    void rejectsTilesOfAnotherView() {
        ViewAggregator a = ViewAggregator.of(view(new FeatureDefinition("c", AggregationFunction.COUNT, null, null)), RandomEvents.SCHEMA);
        ViewAggregator b = ViewAggregator.of(view(new FeatureDefinition("m", AggregationFunction.MAX, "price", null)), RandomEvents.SCHEMA);
        assertThatThrownBy(() -> a.merge(a.newTile(T0), b.newTile(T0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not made by the aggregator of view 'user_activity'");
    }

    @Test
    void mergeLeavesTheSourceUntouchedAndSharesNothing() {
        ViewAggregator agg = ViewAggregator.of(view(
                new FeatureDefinition("d", AggregationFunction.COUNT_DISTINCT, "item_id", null),
                new FeatureDefinition("q", AggregationFunction.QUANTILE, "price", null, 0.5)), RandomEvents.SCHEMA);
        Tile from = agg.newTile(T0);
        agg.add(from, click(T0, "a", 1.0));
        byte[] before = agg.encode(from);
        Tile into = agg.newTile(T0);
        agg.merge(into, from);
        agg.add(into, click(T0 + 1, "b", 5.0));
        assertThat(agg.encode(from)).as("the source of a merge is not changed by later updates of the target").isEqualTo(before);
        assertThat(agg.evaluate(0, List.of(into), T0 + MIN).value()).isEqualTo(2L);
        assertThat(agg.evaluate(0, List.of(from), T0 + MIN).value()).isEqualTo(1L);
    }

    @Test
    void copyIsDeep() {
        ViewAggregator agg = ViewAggregator.of(view(new FeatureDefinition("d", AggregationFunction.COUNT_DISTINCT, "item_id", null)), RandomEvents.SCHEMA);
        Tile t = agg.newTile(T0);
        agg.add(t, click(T0, "a", 1.0));
        Tile c = agg.copy(t);
        agg.add(t, click(T0, "b", 1.0));
        assertThat(agg.evaluate(0, List.of(c), T0 + MIN).value()).isEqualTo(1L);
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.latestEventTime()).isEqualTo(T0);
    }

    @Test
    void decodeReportsCorruptTiles() {
        ViewAggregator agg = ViewAggregator.of(view(
                new FeatureDefinition("c", AggregationFunction.COUNT, null, null),
                new FeatureDefinition("l", AggregationFunction.LAST, "item_id", null)), RandomEvents.SCHEMA);
        Tile t = agg.newTile(T0);
        agg.add(t, click(T0 + 5, "abc", 1.0));
        byte[] bytes = agg.encode(t);
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> agg.decode(prefix)).as("prefix of %s bytes", n).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("tile of view 'user_activity'");
        }
        byte[] future = bytes.clone();
        future[0] = 9;
        assertThatThrownBy(() -> agg.decode(future)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("format version 9; this Freshet reads version 1");
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> agg.decode(trailing)).isInstanceOf(CorruptDataException.class).hasMessageContaining("trailing");
    }

    @Test
    void decodeRejectsAnAggregateCodecVersionItDoesNotKnow() {
        FeatureView v = view(new FeatureDefinition("c", AggregationFunction.COUNT, null, null));
        ViewAggregator agg = ViewAggregator.of(v, RandomEvents.SCHEMA);
        ByteWriter w = new ByteWriter();
        w.writeByte(1).writeLong(T0).writeVarLong(1).writeLong(T0);
        w.writeVarLong(1).writeInt("count(*)".hashCode()).writeInt(2).writeByte(7).writeByte(1);
        assertThatThrownBy(() -> agg.decode(w.toByteArray())).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("aggregate count(*) was written with codec version 7");
    }

    @Test
    void tilesSurviveFeaturesBeingAddedAndRemoved() {
        ViewAggregator before = ViewAggregator.of(view(
                new FeatureDefinition("c", AggregationFunction.COUNT, null, null),
                new FeatureDefinition("m", AggregationFunction.MAX, "price", null)), RandomEvents.SCHEMA);
        Tile t = before.newTile(T0);
        before.add(t, click(T0, "a", 3.5));
        before.add(t, click(T0 + 1, "b", 7.25));
        ViewAggregator after = ViewAggregator.of(view(
                new FeatureDefinition("m", AggregationFunction.MAX, "price", null),
                new FeatureDefinition("first_item", AggregationFunction.FIRST, "item_id", null)), RandomEvents.SCHEMA);
        Tile decoded = after.decode(before.encode(t));
        assertThat(after.evaluate(0, List.of(decoded), T0 + MIN).value()).as("kept aggregate").isEqualTo(7.25);
        assertThat(after.evaluate(1, List.of(decoded), T0 + MIN).value()).as("new aggregate starts empty").isNull();
        assertThat(decoded.version()).isEqualTo(2);
    }

    @Test
    void emptyWindowsGiveZeroForCountsAndSumsAndNullOtherwise() {
        ViewAggregator agg = ViewAggregator.of(view(
                new FeatureDefinition("count", AggregationFunction.COUNT, null, null),
                new FeatureDefinition("sum", AggregationFunction.SUM, "price", null),
                new FeatureDefinition("sumq", AggregationFunction.SUM, "qty", null),
                new FeatureDefinition("distinct", AggregationFunction.COUNT_DISTINCT, "item_id", null),
                new FeatureDefinition("min", AggregationFunction.MIN, "price", null),
                new FeatureDefinition("avg", AggregationFunction.AVG, "price", null),
                new FeatureDefinition("last", AggregationFunction.LAST, "item_id", null),
                new FeatureDefinition("q", AggregationFunction.QUANTILE, "price", null, 0.5)), RandomEvents.SCHEMA);
        List<FeatureValue> values = agg.evaluateAll(List.of(), T0);
        assertThat(values).extracting(FeatureValue::value).containsExactly(0L, 0.0, 0L, 0L, null, null, null, null);
        assertThat(values).noneMatch(FeatureValue::hasEvents);
    }

    private static FeatureDefinition lifetime(String name, AggregationFunction function, String field) {
        return new FeatureDefinition(name, function, field, null);
    }

    @Test
    void regroupableOnlyWhereNothingRoundsOrCompacts() {
        for (FeatureDefinition f : List.of(lifetime("n", AggregationFunction.COUNT, null), lifetime("q", AggregationFunction.SUM, "qty"),
                lifetime("lo", AggregationFunction.MIN, "price"), lifetime("hi", AggregationFunction.MAX, "price"),
                lifetime("li", AggregationFunction.LAST, "item_id"), lifetime("fp", AggregationFunction.FIRST, "price"))) {
            assertThat(ViewAggregator.of(view(f), RandomEvents.SCHEMA).regroupable()).as(f.name()).isTrue();
        }
        for (FeatureDefinition f : List.of(lifetime("s", AggregationFunction.SUM, "price"), lifetime("a", AggregationFunction.AVG, "qty"),
                lifetime("d", AggregationFunction.COUNT_DISTINCT, "item_id"), new FeatureDefinition("p", AggregationFunction.QUANTILE, "qty", null, 0.5))) {
            assertThat(ViewAggregator.of(view(f), RandomEvents.SCHEMA).regroupable()).as(f.name()).isFalse();
        }
        assertThat(ViewAggregator.of(view(lifetime("n", AggregationFunction.COUNT, null), lifetime("s", AggregationFunction.SUM, "price")),
                RandomEvents.SCHEMA).regroupable()).as("a view with one rounding aggregate").isFalse();
    }

    /**
     * What {@link ViewAggregator#regroupable} promises: tiles built in log order, one per minute, give the same lifetime
     * values as the same events added in time order (ties in log order) and folded into one tile a minute at a time.
     */
    @Test
    void regroupableValuesDoNotDependOnTilingOrTimeOrder() {
        ViewAggregator agg = ViewAggregator.of(view(lifetime("n", AggregationFunction.COUNT, null),
                lifetime("q", AggregationFunction.SUM, "qty"), lifetime("lo", AggregationFunction.MIN, "price"),
                lifetime("hi", AggregationFunction.MAX, "price"), lifetime("li", AggregationFunction.LAST, "item_id"),
                lifetime("fi", AggregationFunction.FIRST, "item_id"), lifetime("lp", AggregationFunction.LAST, "price")), RandomEvents.SCHEMA);
        assertThat(agg.regroupable()).isTrue();
        for (long seed = 1; seed <= 20; seed++) {
            List<Event> log = new RandomEvents(seed, 1, 5).stream(400, T0, 30 * MIN);
            java.util.Map<Long, Tile> byStart = new java.util.TreeMap<>();
            for (Event e : log) {
                agg.add(byStart.computeIfAbsent(agg.tileStart(e.timestamp()), agg::newTile), e);
            }
            List<Event> inTime = new java.util.ArrayList<>(log);
            inTime.sort(java.util.Comparator.comparingLong(Event::timestamp)); // stable: ties stay in log order
            Tile folded = null;
            Tile open = null;
            for (Event e : inTime) {
                long start = agg.tileStart(e.timestamp());
                if (open != null && open.start() != start) {
                    folded = folded == null ? open : fold(agg, folded, open);
                    open = null;
                }
                if (open == null) {
                    open = agg.newTile(start);
                }
                agg.add(open, e);
            }
            List<Tile> regrouped = folded == null ? List.of(open) : List.of(folded, open);
            Tile one = agg.newTile(agg.tileStart(inTime.getFirst().timestamp()));
            inTime.forEach(e -> agg.addFolded(one, e));
            long t = T0 + 31 * MIN;
            for (int f = 0; f < 7; f++) {
                Object expected = agg.evaluate(f, List.copyOf(byStart.values()), t).value();
                assertThat(agg.evaluate(f, regrouped, t).value()).as("seed %d feature %d", seed, f).isEqualTo(expected);
                assertThat(agg.evaluate(f, List.of(one), t).value()).as("seed %d feature %d, added folded", seed, f).isEqualTo(expected);
            }
        }
    }

    @Test
    void addFoldedRefusesViewsThatAreNotRegroupableAndEventsBeforeTheTile() {
        ViewAggregator rounding = ViewAggregator.of(view(lifetime("s", AggregationFunction.SUM, "price")), RandomEvents.SCHEMA);
        assertThatThrownBy(() -> rounding.addFolded(rounding.newTile(T0), click(T0, "a", 1.0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("view 'user_activity'").hasMessageContaining("own tiles");
        ViewAggregator counting = ViewAggregator.of(view(lifetime("n", AggregationFunction.COUNT, null)), RandomEvents.SCHEMA);
        Tile tile = counting.newTile(T0);
        counting.addFolded(tile, click(T0 + 5 * MIN, "a", 1.0));
        assertThatThrownBy(() -> counting.addFolded(tile, click(T0 - 1, "b", 2.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the start " + T0);
        assertThat(counting.evaluate(0, List.of(tile), T0 + 6 * MIN).value()).isEqualTo(1L);
        assertThat(tile.latestEventTime()).isEqualTo(T0 + 5 * MIN);
    }

    /** Events of a list as a batch, each string read counted. */
    private static final class ListBatch extends dev.freshet.core.event.EventBatch {
        final List<Event> events;
        int stringsRead;

        ListBatch(List<Event> events) {
            this.events = events;
        }

        @Override
        public long timestamp(int row) {
            return events.get(row).timestamp();
        }

        @Override
        public boolean isNull(int position, int row) {
            return events.get(row).isNull(position);
        }

        @Override
        public long getBits(int position, int row) {
            return events.get(row).getBits(position);
        }

        @Override
        public double getDouble(int position, int row) {
            return events.get(row).getDouble(position);
        }

        @Override
        public String getString(int position, int row) {
            stringsRead++;
            return events.get(row).getString(position);
        }
    }

    /**
     * A range added at once leaves the state that adding its rows one at a time does, in any order of the rows (the
     * log order, not sorted by time): every value, the version and the latest event time; and {@code last}/{@code first}
     * read one string per range, not one per row.
     */
    @Test
    void aRangeAddedAtOnceEqualsItsRowsAddedOneAtATime() {
        ViewAggregator agg = ViewAggregator.of(view(lifetime("n", AggregationFunction.COUNT, null),
                lifetime("ni", AggregationFunction.COUNT, "item_id"), lifetime("q", AggregationFunction.SUM, "qty"),
                lifetime("lo", AggregationFunction.MIN, "price"), lifetime("hi", AggregationFunction.MAX, "qty"),
                lifetime("li", AggregationFunction.LAST, "item_id"), lifetime("fi", AggregationFunction.FIRST, "item_id"),
                lifetime("lp", AggregationFunction.LAST, "price"), lifetime("fp", AggregationFunction.FIRST, "price")), RandomEvents.SCHEMA);
        for (long seed = 1; seed <= 30; seed++) {
            RandomEvents random = new RandomEvents(seed, 1, 4);
            List<Event> log = random.stream(300, T0, 20 * MIN);
            ListBatch batch = new ListBatch(log);
            Tile ranged = agg.newTile(T0);
            Tile single = agg.newTile(T0);
            int ranges = 0;
            for (int from = 0; from < log.size(); ranges++) {
                int to = Math.min(log.size(), from + 1 + random.random().nextInt(40));
                agg.addFolded(ranged, batch, from, to);
                for (int i = from; i < to; i++) {
                    agg.addFolded(single, log.get(i));
                }
                from = to;
            }
            for (int f = 0; f < 9; f++) {
                long t = T0 + 30 * MIN;
                assertThat(agg.evaluate(f, List.of(ranged), t)).as("seed %d feature %d", seed, f).isEqualTo(agg.evaluate(f, List.of(single), t));
            }
            assertThat(ranged.version()).isEqualTo(single.version()).isEqualTo(log.size());
            assertThat(ranged.latestEventTime()).isEqualTo(single.latestEventTime());
            assertThat(batch.stringsRead).as("strings read, seed %d", seed).isLessThanOrEqualTo(2 * ranges);
        }
        Tile tile = agg.newTile(T0);
        ListBatch early = new ListBatch(List.of(click(T0 + 1, "a", 1.0), click(T0 - 1, "b", 2.0)));
        assertThatThrownBy(() -> agg.addFolded(tile, early, 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the start");
        ViewAggregator rounding = ViewAggregator.of(view(lifetime("s", AggregationFunction.SUM, "price")), RandomEvents.SCHEMA);
        assertThatThrownBy(() -> rounding.addFolded(rounding.newTile(T0), early, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    private static Tile fold(ViewAggregator agg, Tile into, Tile from) {
        agg.merge(into, from);
        return into;
    }
}
