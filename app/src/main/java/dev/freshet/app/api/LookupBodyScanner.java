package dev.freshet.app.api;

import dev.freshet.app.api.LookupRequest.EntityColumn;
import dev.freshet.core.event.EntityKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the lookup bodies that services send again and again without a JSON parser:
 * {@code {"features": [...], "entities": {"join_key": [ids]}, "full_feature_names": false}}, with any
 * JSON whitespace, where every name and string is printable ASCII without escapes and every integer
 * id has at most 18 digits. Anything else (an escape, a non-ASCII character, a repeated or unknown
 * field, an empty list of features or of entities, more ids than allowed, a malformed body) is not
 * read here: {@link #read} returns null and {@link LookupRequest#parse}'s parser reads the body, or
 * says what is wrong with it. What this reads, it reads as that parser does (checked by a
 * differential test).
 *
 * <p>A service sends the same feature list with every lookup, so the last few {@code features} arrays read are
 * kept as their bytes and their list: a body whose array has the same bytes gets the same (immutable) list
 * without reading its strings again, and {@link FeatureCatalog#shape} then finds its shape by identity.
 * Thread-safe: the kept arrays are immutable, shared by all threads.
 */
final class LookupBodyScanner {

    /** The longest join key name read here (the parser allows longer ones). */
    private static final int MAX_NAME = 256;
    /** The most digits of an integer id read here: any such number fits a long. */
    private static final int MAX_DIGITS = 18;
    /** How many {@code features} arrays are kept, and the longest one kept (in bytes, brackets included). */
    private static final int KEPT_LISTS = 4;
    private static final int MAX_KEPT_BYTES = 4096;
    private static final byte[] FEATURES = ascii("\"features\"");
    private static final byte[] ENTITIES = ascii("\"entities\"");
    private static final byte[] FULL_FEATURE_NAMES = ascii("\"full_feature_names\"");

    /** A {@code features} array read before: its bytes from '[' to ']', and what they read as. Immutable. */
    private record KeptList(byte[] bytes, List<String> features) {
    }

    /** Written and read without locks: each slot holds an immutable record or null, and any of them is correct. */
    private static final KeptList[] KEPT = new KeptList[KEPT_LISTS];
    private static int nextSlot;

    private final byte[] b;
    private int i;

    private LookupBodyScanner(byte[] body) {
        this.b = body;
    }

    /** The request, or null when the body is not of the usual kind (then parse it with the parser). */
    static LookupRequest read(byte[] body, int maxEntities) {
        return new LookupBodyScanner(body).request(maxEntities);
    }

    private LookupRequest request(int maxEntities) {
        List<String> features = null;
        List<EntityColumn> entities = null;
        boolean full = false;
        boolean fullSeen = false;
        if (!skip('{')) {
            return null;
        }
        do {
            whitespace();
            String name = token(FEATURES) ? "features" : token(ENTITIES) ? "entities" : token(FULL_FEATURE_NAMES)
                    ? "full_feature_names" : null;
            if (name == null || !skip(':')) {
                return null;
            }
            switch (name) {
                case "features" -> {
                    if (features != null || (features = features()) == null) {
                        return null;
                    }
                }
                case "entities" -> {
                    if (entities != null || (entities = entities(maxEntities)) == null) {
                        return null;
                    }
                }
                case "full_feature_names" -> {
                    if (fullSeen) {
                        return null;
                    }
                    fullSeen = true;
                    whitespace();
                    if (literal("true")) {
                        full = true;
                    } else if (!literal("false") && !literal("null")) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        } while (skip(','));
        if (!skip('}') || features == null || entities == null) {
            return null;
        }
        whitespace();
        return i == b.length ? new LookupRequest(features, entities, full) : null;
    }

    private List<String> features() {
        whitespace();
        int from = i;
        for (KeptList kept : KEPT) {
            if (kept != null && token(kept.bytes())) {
                return kept.features();
            }
        }
        if (!skip('[')) {
            return null;
        }
        List<String> features = new ArrayList<>();
        do {
            String s = string();
            if (s == null) {
                return null;
            }
            features.add(s);
        } while (skip(','));
        if (!skip(']')) {
            return null;
        }
        List<String> list = List.copyOf(features);
        if (i - from <= MAX_KEPT_BYTES) {
            int slot = nextSlot;
            nextSlot = (slot + 1) % KEPT_LISTS;
            KEPT[slot] = new KeptList(Arrays.copyOfRange(b, from, i), list);
        }
        return list;
    }

    private List<EntityColumn> entities(int maxEntities) {
        if (!skip('{')) {
            return null;
        }
        List<EntityColumn> columns = new ArrayList<>(1);
        do {
            String key = string();
            if (key == null || key.length() > MAX_NAME || !skip(':') || !skip('[')) {
                return null;
            }
            for (EntityColumn c : columns) {
                if (c.joinKey().equals(key)) {
                    return null;
                }
            }
            EntityColumn column = new EntityColumn(key);
            whitespace();
            if (i < b.length && b[i] == ']') {
                i++;
            } else {
                do {
                    if (column.size() == maxEntities) {
                        return null;
                    }
                    whitespace();
                    if (i < b.length && b[i] == '"') {
                        String id = string();
                        if (id == null) {
                            return null;
                        }
                        column.add(new EntityKey(id), false);
                    } else {
                        String id = integer();
                        if (id == null) {
                            return null;
                        }
                        column.add(new EntityKey(id), true);
                    }
                } while (skip(','));
                if (!skip(']')) {
                    return null;
                }
            }
            columns.add(column);
        } while (skip(','));
        return skip('}') ? columns : null;
    }

    /** After whitespace, a string of printable ASCII without escapes; null for anything else. */
    private String string() {
        if (!skip('"')) {
            return null;
        }
        int from = i;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                String s = new String(b, from, i - from, StandardCharsets.ISO_8859_1);
                i++;
                return s;
            }
            if (c < 0x20 || c > 0x7E || c == '\\') {
                return null;
            }
            i++;
        }
        return null;
    }

    /** An integer of at most {@link #MAX_DIGITS} digits, in its canonical form (no leading zero, no "-0"), as text; else null. */
    private String integer() {
        int from = i;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        int digitsFrom = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        int digits = i - digitsFrom;
        if (digits == 0 || digits > MAX_DIGITS || (b[digitsFrom] == '0' && (digits > 1 || digitsFrom > from))) {
            return null;
        }
        // a number followed by what would continue it ('.', 'e') is a decimal: not an id read here
        if (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            return null;
        }
        return new String(b, from, i - from, StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes} at the current position (no whitespace skipped): then moves past them. */
    private boolean token(byte[] bytes) {
        int n = bytes.length;
        if (i + n <= b.length && Arrays.equals(b, i, i + n, bytes, 0, n)) {
            i += n;
            return true;
        }
        return false;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code word} at the current position (no whitespace skipped). */
    private boolean literal(String word) {
        int n = word.length();
        if (i + n > b.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        // "nullx" or "true1" are not the literal
        if (i + n < b.length && Character.isLetterOrDigit(b[i + n])) {
            return false;
        }
        i += n;
        return true;
    }

    /** Skips whitespace, then {@code c} if it is there. */
    private boolean skip(char c) {
        whitespace();
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private void whitespace() {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }
}
