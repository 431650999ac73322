package dev.freshet.learners;

import dev.freshet.core.error.CorruptDataException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary format of a {@link LearnerSnapshot}, big-endian:
 * <pre>
 * magic "FRSHMODL" (8 bytes) | int format version (1)
 * | model | learner | options                     (strings: int length, UTF-8 bytes)
 * | int n, n strings: inputs | int n, n strings: interactions
 * | long examplesSeen | long version
 * | int n, n x (int partition, long offset), by partition
 * | long createdAtMillis | freshetVersion
 * | int length, state bytes
 * | int CRC32 of every byte before it
 * </pre>
 * The format is self-delimiting: reading consumes exactly the snapshot's bytes from the stream.
 * A corrupt length never allocates more than the bytes actually present (plus one chunk).
 */
final class SnapshotFormat {

    static final byte[] MAGIC = "FRSHMODL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    // Bounds that no real snapshot comes near; a corrupt length beyond them fails at once.
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_LIST_SIZE = 1 << 16;
    private static final int MAX_PARTITIONS = 1 << 20;
    private static final int CHUNK = 1 << 16;

    private SnapshotFormat() {
    }

    static void write(LearnerSnapshot snapshot, OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        // Not closed: closing would close the caller's stream.
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        Provenance p = snapshot.provenance();
        data.write(MAGIC);
        data.writeInt(VERSION);
        writeString(data, p.model());
        writeString(data, p.learner());
        writeString(data, p.options());
        writeStrings(data, p.inputs());
        writeStrings(data, p.interactions());
        data.writeLong(p.examplesSeen());
        data.writeLong(p.version());
        Map<Integer, Long> offsets = new TreeMap<>(p.offsets());
        data.writeInt(offsets.size());
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            data.writeInt(e.getKey());
            data.writeLong(e.getValue());
        }
        data.writeLong(p.createdAtMillis());
        writeString(data, p.freshetVersion());
        data.writeInt(snapshot.state().length);
        data.write(snapshot.state());
        data.flush();
        new DataOutputStream(out).writeInt((int) crc.getValue());
        out.flush();
    }

    static LearnerSnapshot read(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc));
        try {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptDataException("not a Freshet model snapshot: it starts with bytes "
                        + Arrays.toString(magic) + " instead of the magic \"FRSHMODL\"");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new CorruptDataException("model snapshot has format version " + version
                        + ", but this Freshet reads only version " + VERSION + " (written by a newer Freshet?)");
            }
            String model = readString(data, "model");
            String learner = readString(data, "learner");
            String options = readString(data, "options");
            List<String> inputs = readStrings(data, "inputs");
            List<String> interactions = readStrings(data, "interactions");
            long examplesSeen = data.readLong();
            long modelVersion = data.readLong();
            int partitions = readCount(data, "offsets", MAX_PARTITIONS);
            Map<Integer, Long> offsets = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                offsets.put(data.readInt(), data.readLong());
            }
            long createdAt = data.readLong();
            String freshetVersion = readString(data, "freshet version");
            int stateLength = readCount(data, "state", Integer.MAX_VALUE - 16);
            byte[] state = readExactly(data, stateLength, "state");
            int expected = (int) crc.getValue();
            int stored = new DataInputStream(in).readInt();
            if (stored != expected) {
                throw new CorruptDataException("model snapshot of " + model + " fails its checksum: stored CRC32 "
                        + Integer.toHexString(stored) + ", computed " + Integer.toHexString(expected));
            }
            Provenance provenance;
            try {
                provenance = new Provenance(model, learner, options, inputs, interactions, examplesSeen, modelVersion,
                        offsets, createdAt, freshetVersion);
            } catch (RuntimeException e) {
                throw new CorruptDataException("model snapshot of " + model + " has an invalid provenance: " + e.getMessage(), e);
            }
            return new LearnerSnapshot(provenance, state);
        } catch (EOFException e) {
            throw new CorruptDataException("model snapshot is truncated: the data ends before the snapshot does", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    private static int readCount(DataInputStream in, String what, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new CorruptDataException("model snapshot has an impossible " + what + " length " + n
                    + " (must be in 0.." + max + ")");
        }
        return n;
    }

    private static String readString(DataInputStream in, String what) throws IOException {
        int n = readCount(in, what, MAX_STRING_BYTES);
        return new String(readExactly(in, n, what), StandardCharsets.UTF_8);
    }

    private static List<String> readStrings(DataInputStream in, String what) throws IOException {
        int n = readCount(in, what, MAX_LIST_SIZE);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readString(in, what));
        }
        return out;
    }

    /** Reads n bytes in chunks, so that a corrupt length fails at the end of the data, not in the allocator. */
    private static byte[] readExactly(DataInputStream in, int n, String what) throws IOException {
        if (n <= CHUNK) {
            byte[] out = new byte[n];
            in.readFully(out);
            return out;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
        byte[] chunk = new byte[CHUNK];
        int left = n;
        while (left > 0) {
            int got = in.read(chunk, 0, Math.min(left, CHUNK));
            if (got < 0) {
                throw new CorruptDataException("model snapshot is truncated: its " + what + " should have " + n
                        + " bytes but the data ends after " + (n - left));
            }
            out.write(chunk, 0, got);
            left -= got;
        }
        return out.toByteArray();
    }
}
