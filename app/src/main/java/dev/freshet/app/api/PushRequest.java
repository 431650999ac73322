package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The body of {@code POST /push}, in Feast's shape: {@code {"push_source_name": "clicks", "df":
 * {"user_id": [...], "price": [...], ...}, "to": "online"}}. The columns' values are copied as JSON
 * (re-encoded, so whatever the client sent, each is one valid JSON value) into one buffer, and
 * {@link #row} assembles row {@code r} as the object {@code {"user_id": ..., "price": ..., ...}}.
 * Used by one thread.
 *
 * @param sourceName the source pushed to, as sent
 * @param to         where the rows should go, as sent ({@code online} when absent)
 */
record PushRequest(String sourceName, String to, List<Column> columns, int rows, JsonOut values) {

    static final String EXAMPLE = "{\"push_source_name\": \"clicks\", \"df\": {\"user_id\": [\"u1\"], \"price\": [9.5], "
            + "\"ts\": [\"2026-11-21T10:00:00Z\"]}}";
    /** Feast's push modes; every row goes through the pipeline, which feeds both stores, so all mean the same here. */
    static final List<String> MODES = List.of("online", "offline", "online_and_offline");

    private static final List<String> FIELDS = List.of("push_source_name", "df", "to", "allow_registry_cache", "transform_on_write");

    /**
     * One column: its name as JSON bytes, and where each of its values ends in the value buffer
     * (value {@code r} spans {@code [start of r, ends[r])}, the start being the previous end or {@code start}).
     */
    record Column(String name, byte[] quotedName, int start, int[] ends) {
    }

    /**
     * Reads a body.
     *
     * @throws ApiError (400) naming what is malformed, missing or of the wrong type
     */
    static PushRequest parse(byte[] body) {
        try (JsonParser p = Json.openObject(body, EXAMPLE)) {
            String source = null;
            String to = null;
            List<Column> columns = null;
            JsonOut values = new JsonOut(body.length + 64);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "push_source_name" -> source = string(value, p, "push_source_name", "the name of a source, e.g. \"clicks\"");
                    case "to" -> to = value == JsonToken.VALUE_NULL ? null : string(value, p, "to", String.join(", ", MODES));
                    case "df" -> columns = columns(p, value, values);
                    case "allow_registry_cache", "transform_on_write" -> {
                        // Feast's client options; Freshet has no registry cache and always runs the pipeline
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                            throw ApiError.badRequest(ApiError.INVALID_REQUEST,
                                    "\"" + name + "\" must be true or false, not " + Json.describe(value));
                        }
                    }
                    default -> throw ApiError.badRequest(ApiError.INVALID_REQUEST, "unknown field " + Json.quote(name)
                            + " in the request (fields: " + String.join(", ", FIELDS) + Typos.hint(name, FIELDS) + ")");
                }
            }
            Json.requireEnd(p);
            if (source == null) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "the request has no \"push_source_name\": name the source"
                        + " the rows belong to, e.g. " + EXAMPLE);
            }
            if (columns == null) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "the request has no \"df\": give the rows as columns, e.g. " + EXAMPLE);
            }
            if (to != null && !MODES.contains(to)) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"to\" must be one of " + String.join(", ", MODES)
                        + ", not " + Json.quote(to) + Typos.closest(to, MODES).map(m -> " (did you mean " + m + "?)").orElse(""));
            }
            return new PushRequest(source, to == null ? "online" : to, columns, rowCount(columns), values);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
    }

    /** Row {@code r} as one JSON object, UTF-8, its members in column order. */
    byte[] row(int r, JsonOut out) {
        out.reset().raw('{');
        for (int c = 0; c < columns.size(); c++) {
            Column col = columns.get(c);
            if (c > 0) {
                out.raw(',');
            }
            int from = r == 0 ? col.start() : col.ends()[r - 1];
            out.raw(col.quotedName()).raw(':').copyOf(values, from, col.ends()[r]);
        }
        return out.raw('}').toByteArray();
    }

    private static String string(JsonToken value, JsonParser p, String field, String expected) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"" + field + "\" must be a string (" + expected + "), not "
                    + Json.describe(value));
        }
        return p.getText();
    }

    private static List<Column> columns(JsonParser p, JsonToken value, JsonOut values) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"df\" must be an object of column names to arrays of values,"
                    + " e.g. {\"user_id\": [\"u1\", \"u2\"], \"price\": [9.5, 3.0], ...}, not " + Json.describe(value));
        }
        List<Column> columns = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "df." + name + " must be an array with one value per row, not "
                        + Json.describe(t));
            }
            int start = values.size();
            int[] ends = new int[16];
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                copy(p, t, values);
                if (n == ends.length) {
                    ends = Arrays.copyOf(ends, n * 2);
                }
                ends[n++] = values.size();
            }
            columns.add(new Column(name, JsonOut.quoted(name), start, Arrays.copyOf(ends, n)));
        }
        if (columns.isEmpty()) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"df\" has no columns; give one array per field, e.g. " + EXAMPLE);
        }
        return columns;
    }

    private static int rowCount(List<Column> columns) {
        int rows = columns.getFirst().ends().length;
        for (Column c : columns) {
            if (c.ends().length != rows) {
                throw ApiError.badRequest(ApiError.LENGTH_MISMATCH, "the columns of \"df\" differ in length ("
                        + columns.stream().map(x -> x.name() + " has " + x.ends().length).collect(Collectors.joining(", "))
                        + "): every column needs one value per row");
            }
        }
        return rows;
    }

    /** Copies the value at the parser's current token; nesting is bounded by the parser's depth limit. */
    private static void copy(JsonParser p, JsonToken t, JsonOut out) throws IOException {
        switch (t) {
            case VALUE_STRING -> out.string(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.ascii(p.getText());
            case VALUE_TRUE -> out.bool(true);
            case VALUE_FALSE -> out.bool(false);
            case VALUE_NULL -> out.nul();
            case START_ARRAY -> {
                out.raw('[');
                boolean first = true;
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!first) {
                        out.raw(',');
                    }
                    first = false;
                    copy(p, e, out);
                }
                out.raw(']');
            }
            case START_OBJECT -> {
                out.raw('{');
                boolean first = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    if (!first) {
                        out.raw(',');
                    }
                    first = false;
                    out.name(p.currentName());
                    copy(p, p.nextToken(), out);
                }
                out.raw('}');
            }
            default -> throw new IllegalStateException("unexpected token " + t + " in a value");
        }
    }
}
