package io.steward.exporters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * One gzip member made of a part compressed in advance and a part compressed per response. The prepared part is a
 * gzip header and deflate blocks ended by a sync flush (byte-aligned, not final), so fresh deflate blocks can follow
 * it: their back-references only reach into their own data. The trailer's CRC-32 covers both parts; the JDK's
 * {@link CRC32} cannot resume from a saved value, so the fresh part's bytes are folded into the prepared CRC here.
 *
 * <p>Metrics text compresses about eight times at the fastest level; higher levels cost more than they save.
 */
final class GzipJoin {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int[] TABLE = table();

    /** The compressed head of a member, with what its trailer needs of the plain bytes. */
    record Head(byte[] bytes, long crc, long plainLength) {}

    /** A writer of the prepared part: plain bytes in, a {@link Head} out. */
    static final class HeadWriter extends OutputStream {
        private final ByteArrayOutputStream compressed = new ByteArrayOutputStream(64 * 1024);
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final CheckedOutputStream out;
        private long length;

        HeadWriter() {
            compressed.writeBytes(HEADER);
            out = new CheckedOutputStream(new DeflaterOutputStream(compressed, deflater, 64 * 1024, true), new CRC32());
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            length++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            length += len;
        }

        Head finish() throws IOException {
            out.flush(); // a sync flush: the blocks so far end on a byte boundary, the last of them not final
            deflater.end();
            return new Head(compressed.toByteArray(), out.getChecksum().getValue(), length);
        }
    }

    private GzipJoin() {}

    /** The rest of the member after {@code head}: {@code tail} compressed, the final block, the trailer. */
    static byte[] finish(Head head, byte[] tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tail.length / 4 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater, 16 * 1024)) {
            deflate.write(tail);
        } catch (IOException impossible) {
            throw new IllegalStateException("compressing in memory failed", impossible);
        } finally {
            deflater.end();
        }
        long crc = resume(head.crc(), tail);
        long length = head.plainLength() + tail.length;
        writeIntLittleEndian(out, crc);
        writeIntLittleEndian(out, length);
        return out.toByteArray();
    }

    /** The CRC-32 of the bytes whose CRC-32 is {@code crc} followed by {@code more}. */
    static long resume(long crc, byte[] more) {
        int c = ~(int) crc;
        for (byte b : more) {
            c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
        }
        return ~c & 0xffffffffL;
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    /** The byte-wise table of the gzip polynomial, reflected (0xEDB88320). */
    private static int[] table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
