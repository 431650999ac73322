package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The table {@code freshet lookup} prints from the API's column-wise response. */
class LookupTableTest {

    @Test
    void printsEachEntitysFeaturesWithTheirStatusAndEventTimeAndADashWhereThereIsNone() {
        String response = """
                {"metadata": {"feature_names": ["user_id", "clicks_5m", "last_item"]},
                 "results": [
                   {"values": ["u1", "nobody"], "statuses": ["PRESENT", "PRESENT"],
                    "event_timestamps": ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]},
                   {"values": [3, null], "statuses": ["PRESENT", "NOT_FOUND"],
                    "event_timestamps": ["2026-11-22T13:03:51.162Z", "1970-01-01T00:00:00Z"]},
                   {"values": ["item_15", null], "statuses": ["OUTSIDE_MAX_AGE", "NOT_FOUND"],
                    "event_timestamps": ["2026-11-20T08:00:00Z", "1970-01-01T00:00:00Z"]}]}""";
        StringWriter text = new StringWriter();
        LookupTable.print(response, 1, new PrintWriter(text));
        assertThat(text.toString().lines().toList()).containsExactly(
                "user_id=u1",
                "  feature    value    status           event time",
                "  clicks_5m  3        PRESENT          2026-11-22T13:03:51.162Z",
                "  last_item  item_15  OUTSIDE_MAX_AGE  2026-11-20T08:00:00Z",
                "",
                "user_id=nobody",
                "  feature    value  status     event time",
                "  clicks_5m  null   NOT_FOUND  -",
                "  last_item  null   NOT_FOUND  -");
    }
}
