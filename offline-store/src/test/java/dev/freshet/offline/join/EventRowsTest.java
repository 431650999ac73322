package dev.freshet.offline.join;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The join's event columns: each way of setting a row reads back the same, with strings kept as objects or as bytes. */
class EventRowsTest {

    private static final Schema SCHEMA = Schema.of(new Field("user_id", FieldType.STRING), new Field("item", FieldType.STRING),
            new Field("price", FieldType.DOUBLE), new Field("qty", FieldType.LONG));
    /** item and price kept; user_id and qty not. */
    private static final int[] FIELDS = {1, 2};

    @Test
    void rowsReadBackAsTheyWereSetWithTextAsObjectsOrBytes() {
        for (boolean bytes : new boolean[]{false, true}) {
            EventRows rows = bytes ? EventRows.withTextAsBytes(SCHEMA, FIELDS, 4) : new EventRows(SCHEMA, FIELDS, 4);
            for (int round = 0; round < 3; round++) {
                rows.clear();
                SplittableRandom random = new SplittableRandom(round);
                int n = 50 + 200 * round; // past the first capacity: the columns grow
                List<String> items = new ArrayList<>();
                // a string column of the file's layout: offsets into bytes, a run of rows copied at once
                StringBuilder data = new StringBuilder();
                int[] offsets = new int[n + 1];
                for (int i = 0; i < n; i++) {
                    String item = random.nextInt(9) == 0 ? null : random.nextInt(4) == 0 ? "é-" + i + "-日本" : random.nextInt(5) == 0 ? "" : "item-" + i;
                    items.add(item);
                    data.append(item == null ? "" : item);
                    offsets[i + 1] = data.toString().getBytes(StandardCharsets.UTF_8).length;
                }
                byte[] utf8 = data.toString().getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < n; i++) {
                    rows.setTime(i, 1000L * i);
                    rows.setValue(i, 1, i % 5 == 0, Double.doubleToRawLongBits(i + 0.5));
                    String item = items.get(i);
                    switch (i % 3) {
                        case 0 -> rows.setString(i, 0, item);
                        case 1 -> {
                            if (item == null) {
                                rows.setString(i, 0, (String) null);
                            } else {
                                rows.setString(i, 0, utf8, offsets[i], offsets[i + 1] - offsets[i]);
                            }
                        }
                        default -> {
                            // a run of one row through the bulk copy, unless null (the bulk copy takes none)
                            if (item == null) {
                                rows.setNulls(i, 0, 1);
                            } else {
                                rows.setStrings(i, 0, utf8, offsets, i, i + 1);
                            }
                        }
                    }
                }
                EventRow row = new EventRow(SCHEMA, FIELDS);
                for (int i = 0; i < n; i++) {
                    String what = (bytes ? "bytes" : "objects") + ", round " + round + ", row " + i;
                    assertThat(rows.getString(1, i)).as(what).isEqualTo(items.get(i));
                    assertThat(rows.isNull(1, i)).as(what).isEqualTo(items.get(i) == null);
                    assertThat(rows.timestamp(i)).as(what).isEqualTo(1000L * i);
                    assertThat(rows.isNull(2, i)).as(what).isEqualTo(i % 5 == 0);
                    assertThat(rows.getDouble(2, i)).as(what).isEqualTo(i % 5 == 0 ? 0.0 : i + 0.5);
                    assertThat(rows.isNull(0, i)).as("a field not kept reads as null").isTrue();
                    assertThat(rows.getString(0, i)).isNull();
                    assertThat(rows.getBits(3, i)).isZero();
                    rows.load(i, row);
                    assertThat(row.getString(1)).as(what).isEqualTo(items.get(i));
                    assertThat(row.timestamp()).isEqualTo(1000L * i);
                }
                // a whole run copied at once
                EventRows run = bytes ? EventRows.withTextAsBytes(SCHEMA, FIELDS, 4) : new EventRows(SCHEMA, FIELDS, 4);
                int from = 0;
                while (from < n && items.get(from) == null) {
                    from++;
                }
                int to = from;
                while (to < n && items.get(to) != null) {
                    to++;
                }
                run.setTimes(0, new long[n], from, to - from);
                run.setStrings(0, 0, utf8, offsets, from, to);
                for (int i = from; i < to; i++) {
                    assertThat(run.getString(1, i - from)).isEqualTo(items.get(i));
                }
            }
        }
    }
}
