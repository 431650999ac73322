package dev.freshet.core.codec;

import dev.freshet.core.error.CorruptDataException;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteCodecTest {

    @Test
    void roundTripsEveryPrimitive() {
        SplittableRandom r = new SplittableRandom(3);
        ByteWriter w = new ByteWriter(1);
        long[] specials = {0, 1, -1, 127, 128, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};
        for (long v : specials) {
            w.writeVarLong(v).writeZigZag(v).writeLong(v).writeInt((int) v);
        }
        for (int i = 0; i < 1000; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            w.writeVarLong(v).writeZigZag(v).writeDouble(Double.longBitsToDouble(v)).writeString("é" + v);
        }
        ByteReader in = new ByteReader(w.toByteArray(), "test data");
        for (long v : specials) {
            assertThat(in.readVarLong()).isEqualTo(v);
            assertThat(in.readZigZag()).isEqualTo(v);
            assertThat(in.readLong()).isEqualTo(v);
            assertThat(in.readInt()).isEqualTo((int) v);
        }
        r = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            assertThat(in.readVarLong()).isEqualTo(v);
            assertThat(in.readZigZag()).isEqualTo(v);
            assertThat(Double.doubleToRawLongBits(in.readDouble())).isEqualTo(v);
            assertThat(in.readString()).isEqualTo("é" + v);
        }
        assertThat(in.remaining()).isZero();
    }

    @Test
    void smallValuesAreSmall() {
        assertThat(new ByteWriter().writeVarLong(127).size()).isEqualTo(1);
        assertThat(new ByteWriter().writeZigZag(-64).size()).isEqualTo(1);
        assertThat(new ByteWriter().writeVarLong(-1).size()).isEqualTo(10);
    }

    @Test
    void truncationAndGarbageAreCorruptDataNamingTheData() {
        assertThatThrownBy(() -> new ByteReader(new byte[3], "tile of view v").readLong())
                .isInstanceOf(CorruptDataException.class)
                .hasMessage("tile of view v is truncated: needed 8 more bytes at offset 0 but only 3 remain");
        byte[] endless = new byte[11];
        java.util.Arrays.fill(endless, (byte) 0x80);
        assertThatThrownBy(() -> new ByteReader(endless, "x").readVarLong()).isInstanceOf(CorruptDataException.class);
        byte[] hugeLength = new ByteWriter().writeVarLong(1L << 40).toByteArray();
        assertThatThrownBy(() -> new ByteReader(hugeLength, "x").readLengthPrefixed())
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("impossible length");
        assertThatThrownBy(() -> new ByteReader(new ByteWriter().writeVarLong(5).toByteArray(), "x").readString())
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void resetReusesTheBuffer() {
        ByteWriter w = new ByteWriter();
        w.writeLong(1).writeLong(2);
        w.reset().writeByte(9);
        assertThat(w.toByteArray()).containsExactly(9);
    }
}
