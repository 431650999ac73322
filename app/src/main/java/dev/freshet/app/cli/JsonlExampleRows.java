package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Examples from a JSON Lines file, one object per line, in either form:
 * <ul>
 *   <li>a training example as the label join writes it to {@code freshet.examples.<model>}: its
 *       {@code inputs} object holds the inputs, and {@code label} the label;</li>
 *   <li>a flat row: the inputs as members (named as {@link ExampleRows} says) and the label in the
 *       label column.</li>
 * </ul>
 * Blank lines are skipped. Not thread-safe.
 */
final class JsonlExampleRows implements ExampleRows {

    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final ExampleLayout layout;
    private final String labelColumn;
    private final BufferedReader reader;
    private final List<List<String>> candidates;
    private final Map<String, Object> row = new HashMap<>();
    private long line;
    private double label;

    JsonlExampleRows(Path file, ExampleLayout layout, String labelColumn) {
        this.file = file;
        this.layout = layout;
        this.labelColumn = labelColumn;
        this.candidates = java.util.stream.IntStream.range(0, layout.size()).mapToObj(i -> ExampleRows.candidates(layout, i)).toList();
        try {
            this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Override
    public boolean next(Example into) {
        String text;
        try {
            do {
                text = reader.readLine();
                line++;
            } while (text != null && text.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text == null) {
            return false;
        }
        row.clear();
        Object labelValue = parse(text);
        into.clear();
        for (int i = 0; i < layout.size(); i++) {
            Object value = null;
            for (String name : candidates.get(i)) {
                if (row.containsKey(name)) {
                    value = row.get(name);
                    break;
                }
            }
            try {
                into.set(i, value);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(position() + ": " + e.getMessage());
            }
        }
        label = ExampleRows.label(labelValue, labelColumn, position());
        return true;
    }

    /** Fills {@link #row} with the inputs and returns the label's value. */
    private Object parse(String text) {
        Object labelValue = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException(position() + ": not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("inputs") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String input = p.currentName();
                        row.put(input, value(p, p.nextToken(), input));
                    }
                } else if (name.equals(labelColumn) || (name.equals("label") && labelValue == null)) {
                    labelValue = value(p, t, name);
                } else {
                    row.put(name, value(p, t, name));
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(position() + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return labelValue;
    }

    private Object value(JsonParser p, JsonToken t, String name) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> {
                p.skipChildren();
                yield null; // objects and arrays are not inputs (e.g. a training example's "entities")
            }
        };
    }

    @Override
    public double label() {
        return label;
    }

    @Override
    public String position() {
        return file + ":" + line;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
