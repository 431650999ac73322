package dev.freshet.app.cli;

import dev.freshet.core.error.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The lines of a file or of standard input as UTF-8 bytes, skipping blank ones: the records of
 * {@code freshet produce}. Lines end at {@code \n} (a {@code \r} before it is dropped). Text that is
 * not UTF-8 is refused with its line number, never replaced. Not thread-safe. {@link #close()}
 * closes a file, never standard input.
 */
final class EventLines implements AutoCloseable {

    /** The {@code --file} value that means standard input. */
    static final String STDIN = "-";

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final String name;
    private final OptionalLong size;
    private final byte[] buffer = new byte[64 * 1024];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int position;
    private int limit;
    private byte[] line = new byte[4096];
    private int lineLength;
    private long fullLineLength;
    private byte lastByte;
    private CharBuffer chars = CharBuffer.allocate(4096);
    private int maxLineBytes = Integer.MAX_VALUE - 8;
    private long bytesRead;
    private long lineNumber;
    private long blankLines;

    private EventLines(InputStream in, String name, OptionalLong size) {
        this.in = in;
        this.name = name;
        this.size = size;
    }

    /**
     * Opens {@code file}, or {@code stdin} when it is null or {@value #STDIN}.
     *
     * @throws InvalidInputException when the file does not exist, is a directory or cannot be read,
     *         naming it as given and as an absolute path
     */
    static EventLines open(String file, InputStream stdin) {
        if (file == null || file.equals(STDIN)) {
            return new EventLines(stdin, "standard input", OptionalLong.empty());
        }
        Path path = Path.of(file);
        String prefix = "cannot read --file " + file
                + (path.isAbsolute() ? "" : " (" + path.toAbsolutePath().normalize() + ")") + ": ";
        if (Files.isDirectory(path)) {
            throw new InvalidInputException(prefix + "it is a directory; give a file with one JSON event per line");
        }
        try {
            InputStream in = Files.newInputStream(path);
            return new EventLines(in, file, OptionalLong.of(Files.size(path)));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(prefix + "no such file", e);
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(prefix + "permission denied", e);
        } catch (IOException e) {
            throw new InvalidInputException(prefix + e.getMessage(), e);
        }
    }

    /** Lines longer than this many bytes make {@link #next()} throw {@link LineTooLong}; no limit by default. */
    void maxLineBytes(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, not " + max);
        }
        maxLineBytes = max;
    }

    /**
     * The next non-blank line as UTF-8 bytes (a new array), without its line end; null at the end.
     *
     * @throws InvalidInputException when the line is not UTF-8
     * @throws LineTooLong           when the line is longer than {@link #maxLineBytes(int)}
     * @throws UncheckedIOException  when reading fails
     */
    byte[] next() {
        try {
            while (readLine()) {
                lineNumber++;
                int start = lineNumber == 1 && startsWithBom() ? BOM.length : 0;
                if (fullLineLength - start > maxLineBytes) {
                    throw new LineTooLong(lineNumber, fullLineLength - start);
                }
                if (isBlank(start)) {
                    blankLines++;
                    continue;
                }
                requireUtf8(start);
                return Arrays.copyOfRange(line, start, lineLength);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " after line " + lineNumber + ": " + e.getMessage(), e);
        }
    }

    /** The number of the line {@link #next()} returned last, counting from 1, blank lines included. */
    long lineNumber() {
        return lineNumber;
    }

    long blankLines() {
        return blankLines;
    }

    /** Bytes read from the input so far: ahead of the lines returned by up to 64 KiB. */
    long bytesRead() {
        return bytesRead;
    }

    /** The size of the file in bytes; empty for standard input. */
    OptionalLong size() {
        return size;
    }

    /** The file as given, or "standard input". */
    String name() {
        return name;
    }

    boolean isStdin() {
        return size.isEmpty();
    }

    @Override
    public void close() {
        if (isStdin()) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + name, e);
        }
    }

    /**
     * Reads up to the next {@code \n} into {@code line} (at most maxLineBytes + BOM + 1 bytes kept;
     * the full length in fullLineLength); false at the end of the input.
     */
    private boolean readLine() throws IOException {
        lineLength = 0;
        fullLineLength = 0;
        lastByte = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    return any;
                }
                bytesRead += n;
                position = 0;
                limit = n;
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                position++;
                if (lastByte == '\r') {
                    if (lineLength == fullLineLength) {
                        lineLength--;
                    }
                    fullLineLength--;
                }
                return true;
            }
        }
    }

    private void append(int start, int length) {
        if (length == 0) {
            return;
        }
        fullLineLength += length;
        lastByte = buffer[start + length - 1];
        // Keeps no more than the limit allows, so that a huge line is measured without being held.
        int keep = (int) Math.min(length, Math.max(0, (long) maxLineBytes + BOM.length + 1 - lineLength));
        if (lineLength + keep > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + keep, (int) Math.min(Integer.MAX_VALUE - 8, 2L * line.length)));
        }
        System.arraycopy(buffer, start, line, lineLength, keep);
        lineLength += keep;
    }

    private boolean startsWithBom() {
        return lineLength >= BOM.length && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2];
    }

    private boolean isBlank(int start) {
        for (int i = start; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                return false;
            }
        }
        return true;
    }

    private void requireUtf8(int start) {
        int length = lineLength - start;
        if (chars.capacity() < length) {
            chars = CharBuffer.allocate(Math.max(length, 2 * chars.capacity()));
        }
        chars.clear();
        utf8.reset();
        ByteBuffer bytes = ByteBuffer.wrap(line, start, length);
        CoderResult result = utf8.decode(bytes, chars, true);
        if (!result.isError()) {
            result = utf8.flush(chars);
        }
        if (result.isError()) {
            throw new InvalidInputException("line " + lineNumber + " of " + name + " is not UTF-8 text (byte "
                    + (bytes.position() - start + 1) + " of the line); freshet produce reads UTF-8, one JSON event per "
                    + "line (convert the file, e.g. with iconv -t UTF-8)");
        }
    }

    /** A line longer than the limit: its number and its length in bytes. */
    static final class LineTooLong extends RuntimeException {
        final long lineNumber;
        final long bytes;

        LineTooLong(long lineNumber, long bytes) {
            super("line " + lineNumber + " is " + bytes + " bytes long", null, false, false);
            this.lineNumber = lineNumber;
            this.bytes = bytes;
        }
    }
}
