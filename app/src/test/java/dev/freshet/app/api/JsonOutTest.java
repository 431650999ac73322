package dev.freshet.app.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class JsonOutTest {

    @Test
    void timestampsAreWrittenAsInstantWritesThem() {
        SplittableRandom random = new SplittableRandom(7);
        long[] fixed = {0, 1, 999, 1000, -1, -86_400_000L, 951_782_400_000L, 1_795_255_200_000L, 1_795_255_201_234L,
                253_402_300_799_999L, -62_167_219_200_000L};
        for (long t : fixed) {
            assertThat(new JsonOut(8).isoTimestamp(t).toString()).as("%d", t).isEqualTo("\"" + Instant.ofEpochMilli(t) + "\"");
        }
        for (int i = 0; i < 100_000; i++) {
            long t = random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L);
            if (i % 3 == 0) {
                t -= Math.floorMod(t, 1000);
            }
            assertThat(new JsonOut(8).isoTimestamp(t).toString()).isEqualTo("\"" + Instant.ofEpochMilli(t) + "\"");
        }
        assertThat(new JsonOut(8).isoTimestamp(Long.MAX_VALUE).toString()).isEqualTo("\"" + Instant.ofEpochMilli(Long.MAX_VALUE) + "\"");
    }

    /** One buffer keeps the last second it wrote: timestamps in the same second, the next, or far apart, each as Instant writes it. */
    @Test
    void timestampsWrittenOneAfterAnotherAreEachWrittenAsInstantWritesThem() {
        SplittableRandom random = new SplittableRandom(11);
        JsonOut out = new JsonOut(8);
        long t = 1_795_255_200_000L;
        for (int i = 0; i < 200_000; i++) {
            t = switch (random.nextInt(6)) {
                case 0 -> t; // the same instant again
                case 1 -> t - Math.floorMod(t, 1000) + random.nextInt(1000); // the same second
                case 2 -> t + random.nextInt(2000) - 1000; // a neighbouring second, or the same
                case 3 -> random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L);
                case 4 -> random.nextBoolean() ? Long.MAX_VALUE - random.nextInt(5000) : 253_402_300_799_000L + random.nextInt(2000);
                default -> -t;
            };
            assertThat(out.reset().isoTimestamp(t).toString()).as("%d after %d writes", t, i).isEqualTo("\"" + Instant.ofEpochMilli(t) + "\"");
        }
    }

    @Test
    void stringsAreEscapedAndReadBackTheSame() {
        String[] samples = {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline\r\u0000\u001f", "caf\u00e9 \u20ac \ud83d\ude00",
                "lone \ud800 high", "lone \udc00 low", "x".repeat(5000)};
        for (String s : samples) {
            String json = new JsonOut(4).string(s).toString();
            assertThat(JsonTree.parse(json)).as(json).isEqualTo(s);
        }
    }

    @Test
    void valuesAreWrittenInTheirJsonForm() {
        JsonOut out = new JsonOut(4);
        out.raw('[').value(null).raw(',').value(7L).raw(',').value(-2.5).raw(',').value(Double.NaN).raw(',').value(true)
                .raw(',').value("s").raw(',').value(1e-7).raw(']');

        assertThat(out.toString()).isEqualTo("[null,7,-2.5,null,true,\"s\",1.0E-7]");
        assertThat(out.toBuffer().toString()).isEqualTo(out.toString());
    }
}
