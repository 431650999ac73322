package dev.freshet.learners.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads a training example's JSON ({@link TrainingJson}) straight into a reused {@link Example}:
 * the learner worker's hot path, with no intermediate records, maps or boxed numbers. Inputs the
 * model does not have are skipped; inputs the record lacks are missing. Checks what learning needs:
 * the record is an object of this model, with a finite label from 0 to 1 and finite numbers.
 * Not thread-safe: one per worker.
 */
public final class ExampleReader {

    private static final JsonFactory JSON = new JsonFactory();

    private final ExampleLayout layout;
    private final String model;

    public ExampleReader(ExampleLayout layout, String model) {
        this.layout = layout;
        this.model = model;
    }

    /**
     * Fills {@code into} from a training example record.
     *
     * @return the example's label
     * @throws InvalidInputException when the record is not a training example of this model, or its label or
     *                               an input is unusable; the message says which
     */
    public double read(byte[] json, Example into) {
        into.clear();
        double label = Double.NaN;
        String of = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException("a training record is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "model" -> of = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "label" -> label = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
                    case "inputs" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new InvalidInputException("a training record's \"inputs\" is not an object");
                        }
                        inputs(p, into);
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("a training record is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (!model.equals(of)) {
            throw new InvalidInputException(of == null ? "a training record names no \"model\"" : "it is an example of model " + of);
        }
        if (!(label >= 0 && label <= 1)) {
            throw new InvalidInputException("a training record's \"label\" is " + (Double.isNaN(label) ? "missing or not a number" : label)
                    + ", but a label is from 0 to 1");
        }
        return label;
    }

    private void inputs(JsonParser p, Example into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int slot = layout.indexOf(p.currentName());
            JsonToken v = p.nextToken();
            if (slot < 0) {
                p.skipChildren(); // an input the model no longer has
                continue;
            }
            switch (v) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> into.setNumber(slot, p.getDoubleValue());
                case VALUE_STRING -> into.setCategory(slot, p.getText());
                case VALUE_TRUE -> into.setNumber(slot, 1);
                case VALUE_FALSE -> into.setNumber(slot, 0);
                case VALUE_NULL -> into.setMissing(slot);
                default -> throw new InvalidInputException("input " + layout.slots().get(slot).name()
                        + " is not a number, boolean, string or null");
            }
        }
    }
}
