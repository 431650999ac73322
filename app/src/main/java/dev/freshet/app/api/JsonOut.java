package dev.freshet.app.api;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A growable UTF-8 buffer that JSON is written into by hand: the responses of the hot path are a
 * fixed shape, so writing bytes directly is both simpler and faster than a generator. Not
 * thread-safe; {@link #local()} hands out one per thread, which is safe because every response is
 * copied out of it ({@link #toBuffer()}) before the thread writes the next one.
 */
final class JsonOut {

    private static final byte[] NULL = asciiBytes("null");
    private static final byte[] TRUE = asciiBytes("true");
    private static final byte[] FALSE = asciiBytes("false");
    private static final byte[] HEX = asciiBytes("0123456789abcdef");
    /** A buffer that grew past this for one large response is dropped rather than kept by its thread. */
    private static final int MAX_KEPT = 256 * 1024;
    private static final ThreadLocal<JsonOut> LOCAL = ThreadLocal.withInitial(() -> new JsonOut(1024));

    private byte[] buf;
    private int size;
    /** {@code "YYYY-MM-DDTHH:MM:SS} of {@link #keptSecond}, the last epoch second {@link #isoTimestamp} wrote. */
    private final byte[] kept = new byte[20];
    private long keptSecond = Long.MIN_VALUE;

    JsonOut(int capacity) {
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** This thread's buffer, emptied. */
    static JsonOut local() {
        JsonOut out = LOCAL.get();
        if (out.buf.length > MAX_KEPT) {
            out = new JsonOut(1024);
            LOCAL.set(out);
        }
        return out.reset();
    }

    JsonOut reset() {
        size = 0;
        return this;
    }

    int size() {
        return size;
    }

    /** Drops what was written after {@code mark} (a former {@link #size()}). */
    void truncate(int mark) {
        size = mark;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    JsonOut raw(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    JsonOut raw(byte[] bytes) {
        return raw(bytes, 0, bytes.length);
    }

    JsonOut raw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
        return this;
    }

    /** Copies bytes written earlier into this buffer, {@code [from, to)}, to its end. */
    JsonOut copyOf(JsonOut source, int from, int to) {
        return raw(source.buf, from, to - from);
    }

    /** ASCII text as it is (names, numbers in their JSON form); the caller guarantees it needs no escaping. */
    JsonOut ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** {@code "name":} */
    JsonOut name(String name) {
        return string(name).raw(':');
    }

    JsonOut nul() {
        return raw(NULL);
    }

    JsonOut bool(boolean value) {
        return raw(value ? TRUE : FALSE);
    }

    JsonOut number(long value) {
        if (value >= 0 && value < 10) {
            return raw('0' + (int) value);
        }
        return ascii(Long.toString(value));
    }

    /** A finite double in Java's shortest round-trip form (valid JSON); null for NaN and the infinities. */
    JsonOut number(double value) {
        return Double.isFinite(value) ? ascii(Double.toString(value)) : nul();
    }

    /** A feature value: Long, Double, String, Boolean (or any other Number), or null. */
    JsonOut value(Object v) {
        return switch (v) {
            case null -> nul();
            case Long l -> number(l.longValue());
            case Double d -> number(d.doubleValue());
            case String s -> string(s);
            case Boolean b -> bool(b);
            case Integer i -> number(i.longValue());
            case Float f -> number(f.doubleValue());
            case Number n -> number(n.doubleValue());
            default -> string(v.toString());
        };
    }

    /**
     * A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8;
     * a lone surrogate (possible in a Java string, not in UTF-8) as a {@code \}{@code u} escape, so a
     * parser reads back the same Java string.
     */
    JsonOut string(String s) {
        int n = s.length();
        ensure(n + 2);
        buf[size++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c >= 0x20 && c != '"' && c != '\\') {
                if (size == buf.length) {
                    ensure(1);
                }
                buf[size++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                raw(0xC0 | (c >> 6)).raw(0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                raw(0xE0 | (c >> 12)).raw(0x80 | ((c >> 6) & 0x3F)).raw(0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                raw(0xF0 | (cp >> 18)).raw(0x80 | ((cp >> 12) & 0x3F)).raw(0x80 | ((cp >> 6) & 0x3F)).raw(0x80 | (cp & 0x3F));
            } else {
                unicodeEscape(c);
            }
        }
        return raw('"');
    }

    private void escape(char c) {
        char letter = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            case '\b' -> 'b';
            case '\f' -> 'f';
            default -> 0;
        };
        if (letter != 0) {
            raw('\\').raw(letter);
        } else {
            unicodeEscape(c);
        }
    }

    private void unicodeEscape(char c) {
        raw('\\').raw('u').raw(HEX[(c >> 12) & 0xF]).raw(HEX[(c >> 8) & 0xF]).raw(HEX[(c >> 4) & 0xF]).raw(HEX[c & 0xF]);
    }

    /**
     * An instant as an ISO-8601 UTC string, {@code "2026-11-21T10:00:00Z"}, with milliseconds when
     * they are not zero ({@code "2026-11-21T10:00:00.250Z"}): {@link Instant#toString()}'s form,
     * written without allocating for the years 0000 to 9999. The features of one entity often share
     * their latest event's second, so the date and time of the last second written are kept and copied.
     */
    JsonOut isoTimestamp(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        if (second != keptSecond) {
            if (!dateAndTime(second)) {
                return raw('"').ascii(Instant.ofEpochMilli(epochMillis).toString()).raw('"');
            }
            keptSecond = second;
        }
        ensure(26);
        System.arraycopy(kept, 0, buf, size, kept.length);
        size += kept.length;
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        if (millis != 0) {
            raw('.').digits(millis, 3);
        }
        return raw('Z').raw('"');
    }

    /** Writes {@code "YYYY-MM-DDTHH:MM:SS} of an epoch second into {@link #kept}; false outside the years 0000 to 9999. */
    private boolean dateAndTime(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // civil_from_days (H. Hinnant), proleptic Gregorian
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return false;
        }
        byte[] k = kept;
        k[0] = '"';
        put(k, 1, (int) year, 4);
        k[5] = '-';
        put(k, 6, month, 2);
        k[8] = '-';
        put(k, 9, day, 2);
        k[11] = 'T';
        put(k, 12, secondOfDay / 3600, 2);
        k[14] = ':';
        put(k, 15, secondOfDay / 60 % 60, 2);
        k[17] = ':';
        put(k, 18, secondOfDay % 60, 2);
        return true;
    }

    private static void put(byte[] into, int at, int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            into[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private JsonOut digits(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            buf[size + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += count;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A Vert.x buffer holding a copy of what was written. */
    Buffer toBuffer() {
        return Buffer.buffer(size).appendBytes(buf, 0, size);
    }

    @Override
    public String toString() {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    static byte[] asciiBytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The JSON string of {@code s} (quotes included), as UTF-8 bytes. */
    static byte[] quoted(String s) {
        return new JsonOut(s.length() + 8).string(s).toByteArray();
    }
}
