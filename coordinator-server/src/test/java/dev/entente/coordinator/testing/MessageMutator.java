package dev.entente.coordinator.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Bytes for a fuzzer: random ones, and valid protobuf encodings bent in the ways that break decoders
 * (flipped bits, cut short, spliced, lengths that lie, deep nesting, wrong wire types).
 */
public final class MessageMutator {

    private final Random random;

    public MessageMutator(Random random) {
        this.random = random;
    }

    public byte[] randomBytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** {@code valid} changed by one to three mutations. */
    public byte[] mutate(byte[] valid) {
        byte[] bytes = valid;
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            bytes = mutateOnce(bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes) {
        if (bytes.length == 0) {
            return randomBytes(64);
        }
        return switch (random.nextInt(8)) {
            case 0 -> flipBits(bytes);
            case 1 -> Arrays.copyOf(bytes, random.nextInt(bytes.length)); // cut short
            case 2 -> splice(bytes, randomBytes(32));
            case 3 -> splice(bytes, Arrays.copyOfRange(bytes, 0, random.nextInt(bytes.length) + 1)); // repeat a part
            case 4 -> splice(bytes, lyingLength());
            case 5 -> concat(bytes, deepNesting(50 + random.nextInt(200)));
            case 6 -> concat(bytes, wrongWireType());
            default -> concat(bytes, bytes); // every field twice: last one wins, repeated ones grow
        };
    }

    private byte[] flipBits(byte[] bytes) {
        byte[] copy = bytes.clone();
        int flips = 1 + random.nextInt(Math.max(1, copy.length / 8));
        for (int i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private byte[] splice(byte[] bytes, byte[] inserted) {
        int at = random.nextInt(bytes.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(inserted);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A length-delimited field whose length claims far more bytes than follow (or is negative as int32). */
    private byte[] lyingLength() {
        int field = 1 + random.nextInt(10);
        return new byte[] {(byte) (field << 3 | 2), (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 1, 2};
    }

    /** Nested unknown groups or messages, deeper than a decoder's recursion limit. */
    private byte[] deepNesting(int depth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextBoolean()) {
            for (int i = 0; i < depth; i++) {
                out.write(15 << 3 | 3); // start group, field 15
            }
            for (int i = 0; i < depth; i++) {
                out.write(15 << 3 | 4); // end group
            }
            return out.toByteArray();
        }
        byte[] inner = new byte[0];
        for (int i = 0; i < depth; i++) {
            ByteArrayOutputStream level = new ByteArrayOutputStream();
            level.write(15 << 3 | 2);
            writeVarint(level, inner.length);
            level.writeBytes(inner);
            inner = level.toByteArray();
        }
        return inner;
    }

    /** A known field number sent with a wire type it does not have. */
    private byte[] wrongWireType() {
        int field = 1 + random.nextInt(5);
        int wireType = new int[] {0, 1, 5}[random.nextInt(3)];
        byte[] value = randomBytes(8);
        return concat(new byte[] {(byte) (field << 3 | wireType)}, value);
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
