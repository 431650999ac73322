package dev.freshet.app.api;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * The request bodies' JSON reader: one jackson-core factory with limits that keep hostile input
 * cheap (nesting depth, number and string lengths), and the helpers every parser of this package
 * shares for reading a body that must be exactly one JSON object and for saying what is wrong with it.
 */
final class Json {

    /** Deeper nesting than any request needs; deeper input is rejected before it can cost stack. */
    static final int MAX_DEPTH = 32;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            // A field twice is a client bug that would otherwise be silently half-read.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Messages say where (line, column), never echo the body.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(400)
                    .maxNameLength(10_000)
                    .build())
            .errorReportConfiguration(ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(60).maxRawContentLength(0).build())
            .build();

    private Json() {
    }

    /**
     * A parser over a body, positioned on its first token, which must open an object.
     *
     * @throws ApiError (400) when the body is empty or is not an object
     */
    static JsonParser openObject(byte[] body, String example) throws IOException {
        JsonParser p = FACTORY.createParser(body);
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            p.close();
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, first == null
                    ? "the request body is empty; send one JSON object, e.g. " + example
                    : "the request body must be one JSON object, e.g. " + example + ", not " + describe(first));
        }
        return p;
    }

    /**
     * Checks that nothing but whitespace follows the object the parser has just closed.
     *
     * @throws ApiError (400) naming where the extra content starts
     */
    static void requireEnd(JsonParser p) throws IOException {
        JsonToken extra = p.nextToken();
        if (extra != null) {
            JsonLocation at = p.currentTokenLocation();
            throw ApiError.badRequest(ApiError.MALFORMED_JSON, "the request body has content after its JSON object, at line "
                    + at.getLineNr() + ", column " + at.getColumnNr() + " (send exactly one object)");
        }
    }

    /** The 400 answer to a body jackson cannot read: its own description and where. */
    static ApiError malformed(JsonProcessingException e) {
        String what = e.getOriginalMessage();
        if (what == null) {
            what = e.getClass().getSimpleName();
        }
        // jackson writes "\n at [Source: ...]" itself into some messages; the location is added below
        int cut = what.indexOf('\n');
        if (cut >= 0) {
            what = what.substring(0, cut);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return ApiError.badRequest(ApiError.MALFORMED_JSON, "the request body is not valid JSON" + where + ": " + what);
    }

    /** What a token is, for "must be X, not Y" messages. */
    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A client's text quoted for a message: escaped and cut to 60 characters. */
    static String quote(String s) {
        String cut = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length() + 2).append('"');
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
