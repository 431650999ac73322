package dev.freshet.learners.vw;

import dev.freshet.core.error.CorruptDataException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * A VW learner's state in a snapshot: a header (magic, version, examples seen, the model's length
 * and CRC-32) followed by VW's model file.
 *
 * <p>The header carries its own checksum because VW 9.3 loads a truncated or altered model file
 * without complaint (tried: a model cut to 200 of 317 bytes, and one with a byte flipped, both load
 * and predict), so a damaged model would otherwise come back as a silently different learner.
 *
 * <p>Also the state of the bandits module's VW policy, with {@code examplesSeen} counting outcomes learnt.
 *
 * @param examplesSeen how many examples (or outcomes) the model has learnt
 * @param model        VW's model file
 */
public record VwState(long examplesSeen, byte[] model) {

    private static final int MAGIC = 0x46565731; // "FVW1"
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 4 + 4 + 8 + 4 + 4;

    /** The state as bytes: the header, then the model. */
    public byte[] encode() {
        CRC32 crc = new CRC32();
        crc.update(model);
        return ByteBuffer.allocate(HEADER_BYTES + model.length)
                .putInt(MAGIC).putInt(VERSION).putLong(examplesSeen).putInt(model.length).putInt((int) crc.getValue())
                .put(model)
                .array();
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @throws CorruptDataException when the bytes are not a VW learner's state, of another version,
     *                              truncated, or fail the model's checksum
     */
    public static VwState decode(byte[] state) {
        ByteBuffer in = ByteBuffer.wrap(state);
        try {
            int magic = in.getInt();
            if (magic != MAGIC) {
                throw new CorruptDataException(String.format("a VW snapshot's state starts with 0x%08x, not 0x%08x: "
                        + "it is not a VW learner's state", magic, MAGIC));
            }
            int version = in.getInt();
            if (version != VERSION) {
                throw new CorruptDataException("a VW snapshot's state is of version " + version + ", but this Freshet reads version "
                        + VERSION);
            }
            long examplesSeen = in.getLong();
            int length = in.getInt();
            int checksum = in.getInt();
            if (examplesSeen < 0 || length != in.remaining()) {
                throw new CorruptDataException("a VW snapshot's state is damaged: it counts " + examplesSeen
                        + " examples and a model of " + length + " bytes, but " + in.remaining() + " bytes follow its header");
            }
            byte[] model = new byte[length];
            in.get(model);
            CRC32 crc = new CRC32();
            crc.update(model);
            if ((int) crc.getValue() != checksum) {
                throw new CorruptDataException(String.format("a VW snapshot's model (%d bytes) fails its checksum "
                        + "(0x%08x, expected 0x%08x)", length, (int) crc.getValue(), checksum));
            }
            return new VwState(examplesSeen, model);
        } catch (BufferUnderflowException e) {
            throw new CorruptDataException("a VW snapshot's state is truncated: " + state.length + " bytes, shorter than its "
                    + HEADER_BYTES + "-byte header", e);
        }
    }
}
