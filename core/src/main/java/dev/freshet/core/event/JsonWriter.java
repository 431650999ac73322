package dev.freshet.core.event;

import dev.freshet.core.codec.ByteWriter;

import java.nio.charset.StandardCharsets;

/**
 * Writes JSON values as UTF-8 into a {@link ByteWriter}, without creating strings on the way
 * (except for doubles, see {@link #writeDouble}).
 */
final class JsonWriter {

    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));
    private static final byte[] HEX = ascii("0123456789abcdef");
    /** 10^0 to 10^18: the powers of ten a positive long's digits are taken with. */
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private JsonWriter() {
    }

    static void writeNull(ByteWriter out) {
        out.writeBytes(NULL);
    }

    static void writeBoolean(ByteWriter out, boolean value) {
        out.writeBytes(value ? TRUE : FALSE);
    }

    /** A long in decimal. */
    static void writeLong(ByteWriter out, long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                out.writeBytes(MIN_LONG);
                return;
            }
            out.writeByte('-');
            value = -value;
        }
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && value >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        for (int i = digits - 1; i >= 0; i--) {
            long power = POWERS_OF_TEN[i];
            long digit = value / power;
            out.writeByte((int) ('0' + digit));
            value -= digit * power;
        }
    }

    /**
     * A finite double in Java's shortest form that reads back to the same bits ({@link Double#toString}
     * is valid JSON: {@code 1.0E-300}, {@code -0.0}); null for NaN and the infinities, which JSON
     * cannot express.
     */
    static void writeDouble(ByteWriter out, double value) {
        if (!Double.isFinite(value)) {
            writeNull(out);
            return;
        }
        String s = Double.toString(value);
        for (int i = 0; i < s.length(); i++) {
            out.writeByte(s.charAt(i));
        }
    }

    /**
     * A JSON string: quotes, backslashes and control characters escaped, everything else as
     * UTF-8. A lone UTF-16 surrogate (possible in a Java string, not in UTF-8) is written as a
     * {@code \}{@code uXXXX} escape, so that a JSON parser reads back the same Java string.
     */
    static void writeString(ByteWriter out, String s) {
        out.writeByte('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out.writeByte(c);
                } else {
                    writeEscaped(out, c);
                }
            } else if (c < 0x800) {
                out.writeByte(0xC0 | (c >> 6));
                out.writeByte(0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                out.writeByte(0xE0 | (c >> 12));
                out.writeByte(0x80 | ((c >> 6) & 0x3F));
                out.writeByte(0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.writeByte(0xF0 | (cp >> 18));
                out.writeByte(0x80 | ((cp >> 12) & 0x3F));
                out.writeByte(0x80 | ((cp >> 6) & 0x3F));
                out.writeByte(0x80 | (cp & 0x3F));
            } else {
                writeUnicodeEscape(out, c);
            }
        }
        out.writeByte('"');
    }

    private static void writeEscaped(ByteWriter out, char c) {
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
            out.writeByte('\\');
            out.writeByte(letter);
        } else {
            writeUnicodeEscape(out, c);
        }
    }

    private static void writeUnicodeEscape(ByteWriter out, char c) {
        out.writeByte('\\');
        out.writeByte('u');
        out.writeByte(HEX[(c >> 12) & 0xF]);
        out.writeByte(HEX[(c >> 8) & 0xF]);
        out.writeByte(HEX[(c >> 4) & 0xF]);
        out.writeByte(HEX[c & 0xF]);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
