package dev.freshet.app.cli;

import dev.freshet.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLinesTest {

    @Test
    void skipsBlankLinesAndLineEndsAndCountsLinesAndBytes() {
        byte[] input = "\uFEFF{\"a\": 1}\r\n\n  \t\n{\"b\": \"\u00e9\"}\n{\"c\": 3}".getBytes(StandardCharsets.UTF_8);
        EventLines lines = EventLines.open(EventLines.STDIN, new ByteArrayInputStream(input));

        List<String> read = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        byte[] line;
        while ((line = lines.next()) != null) {
            read.add(new String(line, StandardCharsets.UTF_8));
            numbers.add(lines.lineNumber());
        }

        assertThat(read).containsExactly("{\"a\": 1}", "{\"b\": \"\u00e9\"}", "{\"c\": 3}");
        assertThat(numbers).containsExactly(1L, 4L, 5L);
        assertThat(lines.blankLines()).isEqualTo(2);
        assertThat(lines.bytesRead()).isEqualTo(input.length);
        assertThat(lines.isStdin()).isTrue();
        assertThat(lines.name()).isEqualTo("standard input");
    }

    @Test
    void anEmptyInputHasNoLines() {
        EventLines lines = EventLines.open(null, new ByteArrayInputStream(new byte[0]));

        assertThat(lines.next()).isNull();
        assertThat(lines.lineNumber()).isZero();
    }

    @Test
    void bytesThatAreNotUtf8NameTheirLineEvenFarIntoTheInput() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            input.writeBytes(("{\"n\": " + i + "}\n").getBytes(StandardCharsets.UTF_8));
        }
        input.writeBytes(new byte[] {'{', '"', (byte) 0xC3, '"', '}', '\n'});
        EventLines lines = EventLines.open(null, new ByteArrayInputStream(input.toByteArray()));

        for (int i = 0; i < 10_000; i++) {
            assertThat(lines.next()).isNotNull();
        }
        assertThatThrownBy(lines::next).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("line 10001 of standard input is not UTF-8 text (byte 3 of the line)");
    }

    @Test
    void aLineLongerThanTheLimitIsMeasuredWithoutBeingKept() {
        String input = "{\"a\": 1}\n" + "y".repeat(300_000) + "\r\n{\"b\": 2}\n";
        EventLines lines = EventLines.open(null, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        lines.maxLineBytes(1_000);

        assertThat(lines.next()).isNotNull();
        assertThatThrownBy(lines::next).isInstanceOfSatisfying(EventLines.LineTooLong.class, e -> {
            assertThat(e.lineNumber).isEqualTo(2);
            assertThat(e.bytes).isEqualTo(300_000);
        });
    }

    @Test
    void aLineOfExactlyTheLimitPasses() {
        String input = "z".repeat(1_000) + "\n";
        EventLines lines = EventLines.open(null, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        lines.maxLineBytes(1_000);

        assertThat(lines.next()).hasSize(1_000);
    }
}
