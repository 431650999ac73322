package dev.freshet.offline.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.CorruptDataException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a source's archive holds, as {@code <root>/events/<source>/_manifest.json} says: the committed
 * Parquet files and, per partition of {@code freshet.events.<source>}, the next offset to read. A file
 * that the manifest does not list is not part of the archive, whatever is on disk; the offsets are
 * exactly those of the rows the listed files hold, so files and offsets always move together.
 *
 * <p>The JSON carries {@value #FORMAT_VERSION} as {@code format_version}; any other version is refused
 * rather than half-read. Immutable: each change makes a new manifest.
 */
final class Manifest {

    static final String FILE_NAME = "_manifest.json";
    static final int FORMAT_VERSION = 1;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Listed files in path order, which is (date, sequence) order: see {@link SourceArchive#newFile}. */
    private static final Comparator<Entry> BY_PATH = Comparator.comparing(Entry::path);

    /**
     * One listed file.
     *
     * @param path    the file, relative to the source's directory, with '/' separators ({@code date=2026-11-21/part-...parquet})
     * @param keyRuns whether its {@link KeyRuns} lie beside it (compaction's outputs since they were introduced)
     */
    record Entry(String path, long rows, long minEventTime, long maxEventTime, boolean sorted, boolean keyRuns) {
        Entry {
            Objects.requireNonNull(path, "path");
            if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("..") || path.indexOf('/') < 0) {
                throw new IllegalArgumentException("archived file path '" + path
                        + "' must be relative to the source directory, as date=YYYY-MM-DD/<name>");
            }
            if (rows < 0 || minEventTime > maxEventTime) {
                throw new IllegalArgumentException("archived file '" + path + "' has " + rows + " rows and event times "
                        + minEventTime + ".." + maxEventTime + " (rows must not be negative, min must not exceed max)");
            }
            if (keyRuns && !sorted) {
                throw new IllegalArgumentException("archived file '" + path + "' has key runs but is not sorted");
            }
        }

        /** A file without key runs. */
        Entry(String path, long rows, long minEventTime, long maxEventTime, boolean sorted) {
            this(path, rows, minEventTime, maxEventTime, sorted, false);
        }

        /** The date partition directory, {@code date=YYYY-MM-DD}. */
        String partition() {
            return path.substring(0, path.indexOf('/'));
        }

        ArchivedFile resolve(Path sourceDir) {
            return new ArchivedFile(sourceDir.resolve(path).toAbsolutePath(), rows, minEventTime, maxEventTime, sorted, keyRuns);
        }
    }

    private final String source;
    private final long nextSequence;
    private final List<Entry> files;
    private final SortedMap<Integer, Long> offsets;

    private Manifest(String source, long nextSequence, List<Entry> files, Map<Integer, Long> offsets) {
        this.source = Objects.requireNonNull(source, "source");
        this.nextSequence = nextSequence;
        List<Entry> sorted = new ArrayList<>(files);
        sorted.sort(BY_PATH);
        this.files = List.copyOf(sorted);
        this.offsets = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(offsets));
        Set<String> seen = new HashSet<>();
        for (Entry e : this.files) {
            if (!seen.add(e.path())) {
                throw new IllegalArgumentException("manifest of source '" + source + "' lists '" + e.path() + "' twice");
            }
        }
    }

    /** The manifest of a source with nothing archived yet. */
    static Manifest empty(String source) {
        return new Manifest(source, 1, List.of(), Map.of());
    }

    String source() {
        return source;
    }

    /** The sequence number the next new file takes; file names never reuse one. */
    long nextSequence() {
        return nextSequence;
    }

    List<Entry> files() {
        return files;
    }

    /** Per partition of the events topic, the offset of the first record not archived. */
    SortedMap<Integer, Long> offsets() {
        return offsets;
    }

    /** Adds new files and moves the offsets to what they cover. */
    Manifest commit(Collection<Entry> added, Map<Integer, Long> newOffsets, long sequence) {
        List<Entry> all = new ArrayList<>(files);
        all.addAll(added);
        SortedMap<Integer, Long> merged = new TreeMap<>(offsets);
        newOffsets.forEach((p, o) -> {
            Long before = merged.get(p);
            if (before != null && o < before) {
                throw new IllegalArgumentException("source '" + source + "': the offset of partition " + p + " would move back from "
                        + before + " to " + o);
            }
            merged.put(p, o);
        });
        return new Manifest(source, sequence, all, merged);
    }

    /** Replaces files by others holding the same rows (compaction); the offsets stay. */
    Manifest replace(Collection<Entry> removed, Collection<Entry> added, long sequence) {
        List<Entry> all = new ArrayList<>(files);
        for (Entry e : removed) {
            if (!all.remove(e)) {
                throw new IllegalArgumentException("source '" + source + "': cannot replace '" + e.path() + "', the manifest does not list it");
            }
        }
        all.addAll(added);
        return new Manifest(source, sequence, all, offsets);
    }

    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("format_version", FORMAT_VERSION);
            g.writeStringField("source", source);
            g.writeNumberField("next_sequence", nextSequence);
            g.writeObjectFieldStart("offsets");
            for (Map.Entry<Integer, Long> o : offsets.entrySet()) {
                g.writeNumberField(Integer.toString(o.getKey()), o.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("files");
            for (Entry e : files) {
                g.writeStartObject();
                g.writeStringField("path", e.path());
                g.writeNumberField("rows", e.rows());
                g.writeNumberField("min_event_time", e.minEventTime());
                g.writeNumberField("max_event_time", e.maxEventTime());
                g.writeBooleanField("sorted", e.sorted());
                if (e.keyRuns()) {
                    g.writeBooleanField("key_runs", true);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a manifest.
     *
     * @param where    the file, for messages
     * @param expected the source the manifest must belong to
     * @throws CorruptDataException when it is not a manifest of this format version for this source
     */
    static Manifest parse(byte[] json, Path where, String expected) {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, where, "the manifest");
            Integer version = null;
            String source = null;
            Long sequence = null;
            List<Entry> files = null;
            Map<Integer, Long> offsets = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "format_version" -> {
                        expect(value, JsonToken.VALUE_NUMBER_INT, where, name);
                        version = p.getIntValue();
                        if (version != FORMAT_VERSION) {
                            throw new CorruptDataException(where + ": format_version " + version + " is not one this Freshet reads (it reads "
                                    + FORMAT_VERSION + "); the archive was written by another Freshet version: use that version, or"
                                    + " archive again into an empty offline_store.path");
                        }
                    }
                    case "source" -> {
                        expect(value, JsonToken.VALUE_STRING, where, name);
                        source = p.getText();
                    }
                    case "next_sequence" -> {
                        expect(value, JsonToken.VALUE_NUMBER_INT, where, name);
                        sequence = p.getLongValue();
                    }
                    case "offsets" -> offsets = offsets(p, value, where);
                    case "files" -> files = files(p, value, where);
                    default -> p.skipChildren(); // written by a later minor change: harmless to skip
                }
            }
            if (version == null || source == null || sequence == null || files == null || offsets == null) {
                throw new CorruptDataException(where + " lacks one of format_version, source, next_sequence, offsets, files"
                        + " (is it a Freshet archive manifest?)");
            }
            if (!source.equals(expected)) {
                throw new CorruptDataException(where + " is the manifest of source '" + source + "', not of '" + expected
                        + "' (was a directory copied or renamed?)");
            }
            return new Manifest(source, sequence, files, offsets);
        } catch (IOException e) {
            throw new CorruptDataException(where + " is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<Integer, Long> offsets(JsonParser p, JsonToken start, Path where) throws IOException {
        expect(start, JsonToken.START_OBJECT, where, "offsets");
        Map<Integer, Long> out = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String partition = p.currentName();
            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, where, "offsets." + partition);
            try {
                out.put(Integer.parseInt(partition), p.getLongValue());
            } catch (NumberFormatException e) {
                throw new CorruptDataException(where + ": offsets has the key '" + partition + "', not a partition number");
            }
        }
        return out;
    }

    private static List<Entry> files(JsonParser p, JsonToken start, Path where) throws IOException {
        expect(start, JsonToken.START_ARRAY, where, "files");
        List<Entry> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            String path = null;
            Long rows = null;
            Long min = null;
            Long max = null;
            Boolean sorted = null;
            boolean keyRuns = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                String field = "files[" + out.size() + "]." + name;
                switch (name) {
                    case "path" -> {
                        expect(value, JsonToken.VALUE_STRING, where, field);
                        path = p.getText();
                    }
                    case "rows", "min_event_time", "max_event_time" -> {
                        expect(value, JsonToken.VALUE_NUMBER_INT, where, field);
                        long v = p.getLongValue();
                        switch (name) {
                            case "rows" -> rows = v;
                            case "min_event_time" -> min = v;
                            default -> max = v;
                        }
                    }
                    case "sorted" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new CorruptDataException(where + ": " + field + " is " + value + ", not a boolean");
                        }
                        sorted = value == JsonToken.VALUE_TRUE;
                    }
                    case "key_runs" -> {
                        // optional: absent in manifests written before key runs, and for files without them
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new CorruptDataException(where + ": " + field + " is " + value + ", not a boolean");
                        }
                        keyRuns = value == JsonToken.VALUE_TRUE;
                    }
                    default -> p.skipChildren();
                }
            }
            if (path == null || rows == null || min == null || max == null || sorted == null) {
                throw new CorruptDataException(where + ": files[" + out.size() + "] lacks one of path, rows, min_event_time,"
                        + " max_event_time, sorted");
            }
            out.add(new Entry(path, rows, min, max, sorted, keyRuns));
        }
        expect(t, JsonToken.END_ARRAY, where, "files");
        return out;
    }

    private static void expect(JsonToken actual, JsonToken expected, Path where, String what) {
        if (actual != expected) {
            throw new CorruptDataException(where + ": " + what + " is " + actual + " where " + expected + " was expected");
        }
    }

    @Override
    public String toString() {
        return "manifest of source '" + source + "' (" + files.size() + " files, offsets " + offsets + ")";
    }
}
