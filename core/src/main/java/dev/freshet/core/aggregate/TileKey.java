package dev.freshet.core.aggregate;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The key of a tile record: which view, which entity, which tile. Its text form, which users
 * see with {@code kcat} on {@code freshet.tiles.<view>}, is
 * {@code <view>|<tile start in epoch milliseconds, or "lifetime">|<entity>}, for example
 * {@code user_activity|1763719200000|u42}. The entity comes last because it may contain any
 * character, {@code |} included; view names are identifiers and never do.
 *
 * <p>The bytes are the UTF-8 of the text, so an entity must be valid Unicode (no unpaired
 * surrogate, which {@link dev.freshet.core.event.EventJson} guarantees) for
 * {@link #parse(byte[])} to read back the same key.
 *
 * @param tileStart the tile's first millisecond, or {@link #LIFETIME}
 */
public record TileKey(String view, EntityKey entity, long tileStart) {

    /**
     * The tile start of the lifetime tile of an entity: the prefix that holds every event older
     * than the tiles still retained.
     */
    public static final long LIFETIME = Long.MIN_VALUE;

    private static final String LIFETIME_TEXT = "lifetime";
    private static final char SEPARATOR = '|';

    /**
     * @throws IllegalArgumentException when the view is empty or contains {@code |}
     */
    public TileKey {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(entity, "entity");
        if (view.isEmpty() || view.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a tile key's view must be a non-empty name without '|', got '" + view + "'");
        }
    }

    /** The key of an entity's lifetime tile in a view. */
    public static TileKey lifetime(String view, EntityKey entity) {
        return new TileKey(view, entity, LIFETIME);
    }

    public boolean isLifetime() {
        return tileStart == LIFETIME;
    }

    /** The UTF-8 of {@link #toString()}. */
    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads what {@link #toBytes()} wrote, exactly: a tile start is {@code lifetime} or a long in
     * decimal as {@link Long#toString} writes it, and the bytes are valid UTF-8.
     *
     * @throws CorruptDataException naming what is wrong, with the (shortened) text
     */
    public static TileKey parse(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        String text = new String(bytes, StandardCharsets.UTF_8);
        // The decoder replaces every malformed sequence with U+FFFD; only then is a re-encoding needed to tell.
        if (text.indexOf('\uFFFD') >= 0 && !Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw corrupt(text, "it is not valid UTF-8");
        }
        int first = text.indexOf(SEPARATOR);
        int second = first < 0 ? -1 : text.indexOf(SEPARATOR, first + 1);
        if (second < 0) {
            throw corrupt(text, "it has " + (first < 0 ? "no" : "one") + " '|' (it needs two)");
        }
        if (first == 0) {
            throw corrupt(text, "the view is empty");
        }
        String start = text.substring(first + 1, second);
        return new TileKey(text.substring(0, first), new EntityKey(text.substring(second + 1)), parseStart(text, start));
    }

    private static long parseStart(String text, String start) {
        if (start.equals(LIFETIME_TEXT)) {
            return LIFETIME;
        }
        long v;
        try {
            v = Long.parseLong(start);
        } catch (NumberFormatException e) {
            throw corrupt(text, "the tile start '" + start + "' is neither 'lifetime' nor epoch milliseconds in decimal");
        }
        if (v == LIFETIME) {
            throw corrupt(text, "the tile start " + start + " is the lifetime tile, which is written 'lifetime'");
        }
        if (!Long.toString(v).equals(start)) {
            throw corrupt(text, "the tile start '" + start + "' is not written as Long.toString writes " + v);
        }
        return v;
    }

    private static CorruptDataException corrupt(String text, String problem) {
        int end = Math.min(text.length(), 100);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        String shown = end == text.length() ? text : text.substring(0, end) + "...";
        return new CorruptDataException("tile key \"" + shown + "\" is malformed: " + problem + " (expected <view>|<tile start or lifetime>|<entity>)");
    }

    /** {@code <view>|<tile start or lifetime>|<entity>}. */
    @Override
    public String toString() {
        return view + SEPARATOR + (isLifetime() ? LIFETIME_TEXT : Long.toString(tileStart)) + SEPARATOR + entity.value();
    }
}
