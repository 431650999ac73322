package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.FreshetException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@code /get-online-features} response (Feast's column-wise shape) the way a person reads
 * it: per entity row, one line per feature with its value, status and event time ({@code -} for a feature
 * NOT_FOUND, which has none).
 */
final class LookupTable {

    private LookupTable() {
    }

    /** @param entityColumns how many join keys the request sent: the response's first columns */
    static void print(String responseJson, int entityColumns, PrintWriter out) {
        Map<String, Object> response = asMap(parse(responseJson), "the response");
        List<Object> names = asList(asMap(response.get("metadata"), "metadata").get("feature_names"), "metadata.feature_names");
        List<Object> results = asList(response.get("results"), "results");
        if (names.size() != results.size()) {
            throw new FreshetException("the API's response has " + names.size() + " feature names but " + results.size() + " result columns");
        }
        List<List<Object>> values = new ArrayList<>();
        List<List<Object>> statuses = new ArrayList<>();
        List<List<Object>> times = new ArrayList<>();
        for (Object r : results) {
            Map<String, Object> column = asMap(r, "a result");
            values.add(asList(column.get("values"), "values"));
            statuses.add(asList(column.get("statuses"), "statuses"));
            times.add(asList(column.get("event_timestamps"), "event_timestamps"));
        }
        if (entityColumns > names.size()) {
            throw new FreshetException("the API's response has " + names.size() + " columns, fewer than the " + entityColumns + " entity keys sent");
        }
        int rows = values.isEmpty() ? 0 : values.get(0).size();
        for (int row = 0; row < rows; row++) {
            List<String> ids = new ArrayList<>();
            for (int c = 0; c < entityColumns; c++) {
                ids.add(names.get(c) + "=" + values.get(c).get(row));
            }
            out.println(String.join(" ", ids));
            List<List<String>> lines = new ArrayList<>();
            lines.add(List.of("feature", "value", "status", "event time"));
            for (int c = entityColumns; c < names.size(); c++) {
                Object v = values.get(c).get(row);
                String status = String.valueOf(statuses.get(c).get(row));
                // the API answers a value it has no event for with Feast's epoch 0; a person reads "-" better
                String time = status.equals("NOT_FOUND") ? "-" : String.valueOf(times.get(c).get(row));
                lines.add(List.of(String.valueOf(names.get(c)), v == null ? "null" : String.valueOf(v), status, time));
            }
            table(out, lines);
            if (row < rows - 1) {
                out.println();
            }
        }
        out.flush();
    }

    private static void table(PrintWriter out, List<List<String>> rows) {
        int[] widths = new int[4];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.size(); i++) {
                line.append(r.get(i));
                if (i < r.size() - 1) {
                    line.append(" ".repeat(widths[i] - r.get(i).length() + 2));
                }
            }
            out.println(line);
        }
    }

    private static Object parse(String json) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return value(p);
        } catch (IOException e) {
            throw new FreshetException("the API's response is not JSON: " + e.getMessage());
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                m.put(name, value(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(value(p));
            }
            return l;
        }
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> p.getText();
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new FreshetException("the API's response lacks " + what + " (is the URL a Freshet API?)");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o, String what) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new FreshetException("the API's response lacks " + what + " (is the URL a Freshet API?)");
    }
}
