package dev.freshet.learners;

import dev.freshet.core.error.CorruptDataException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotFormatTest {

    private static final Provenance PROVENANCE = new Provenance("ctr_é", "ftrl", "alpha=0.05", List.of("u:age", "device"),
            List.of("u:age*device"), 42, 3, Map.of(1, 10L, 0, 5L), 1_700_000_000_000L, "0.1.0");

    private static byte[] written(LearnerSnapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snapshot.write(out);
        return out.toByteArray();
    }

    private static LearnerSnapshot read(byte[] bytes) throws IOException {
        return LearnerSnapshot.read(new ByteArrayInputStream(bytes));
    }

    private static byte[] sample() throws IOException {
        byte[] state = new byte[1000];
        new SplittableRandom(5).nextBytes(state);
        return written(new LearnerSnapshot(PROVENANCE, state));
    }

    @Test
    void roundTripsAndConsumesExactlyTheSnapshot() throws IOException {
        byte[] bytes = sample();
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        twice.write(bytes);
        twice.write(bytes);
        ByteArrayInputStream in = new ByteArrayInputStream(twice.toByteArray());
        LearnerSnapshot first = LearnerSnapshot.read(in);
        LearnerSnapshot second = LearnerSnapshot.read(in);
        assertThat(in.available()).isZero();
        assertThat(first.provenance()).isEqualTo(PROVENANCE);
        assertThat(second.provenance()).isEqualTo(PROVENANCE);
        assertThat(second.state()).isEqualTo(first.state()).hasSize(1000);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo("FRSHMODL".getBytes());
    }

    @Test
    void rejectsDataThatIsNotASnapshot() throws IOException {
        byte[] bytes = sample();
        bytes[0] = 'X';
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("not a Freshet model snapshot");
        assertThatThrownBy(() -> read("{\"json\": true}".getBytes())).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("not a Freshet model snapshot");
    }

    @Test
    void rejectsAnUnknownVersion() throws IOException {
        byte[] bytes = sample();
        ByteBuffer.wrap(bytes).putInt(8, 2);
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("format version 2").hasMessageContaining("only version 1");
    }

    @Test
    void rejectsTruncatedDataAtEveryLength() throws IOException {
        byte[] bytes = sample();
        for (int length = 0; length < bytes.length; length += length < 200 ? 1 : 97) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> read(cut)).as("cut at %d", length).isInstanceOf(CorruptDataException.class);
        }
        byte[] lastByteMissing = Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> read(lastByteMissing)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsAFlippedByteByItsChecksum() throws IOException {
        byte[] bytes = sample();
        // Bytes inside the model name, the learner name, the state, and the checksum itself.
        for (int i : new int[]{20, 28, bytes.length / 2, bytes.length - 5, bytes.length - 1}) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assertThatThrownBy(() -> read(flipped)).as("byte %d flipped", i).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("checksum");
        }
    }

    @Test
    void rejectsEverySingleBitFlip() throws IOException {
        byte[] bytes = sample();
        for (int i = 0; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> read(flipped)).as("byte %d flipped", i).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void rejectsAbsurdLengthsWithoutAllocatingThem() throws IOException {
        byte[] bytes = sample();
        byte[] hugeString = bytes.clone();
        ByteBuffer.wrap(hugeString).putInt(12, Integer.MAX_VALUE);  // the model name's length
        assertThatThrownBy(() -> read(hugeString)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("impossible model length 2147483647");
        byte[] negative = bytes.clone();
        ByteBuffer.wrap(negative).putInt(12, -1);
        assertThatThrownBy(() -> read(negative)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("impossible model length -1");
        byte[] hugeState = bytes.clone();
        ByteBuffer.wrap(hugeState).putInt(bytes.length - 4 - 1000 - 4, 1 << 30);  // the state's length
        assertThatThrownBy(() -> read(hugeState)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("truncated");
    }
}
