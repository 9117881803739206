package io.steward.exporters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * One gzip member joined from pieces compressed apart: in parallel, or in advance of the piece that ends it. Each
 * piece but the last is deflate blocks ended by a sync flush (byte-aligned, not final), so any deflate blocks may
 * follow it: their back-references only reach into their own data. The trailer's CRC-32 covers all pieces; it is
 * joined from the pieces' CRCs (the JDK's {@link CRC32} cannot resume from a saved value).
 *
 * <p>Metrics text compresses about eight times at the fastest level; higher levels cost more than they save.
 */
final class GzipJoin {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int GF2_DIM = 32;

    /** The compressed head of a member, with what its trailer needs of the plain bytes. */
    record Head(byte[] bytes, long crc, long plainLength) {}

    /** A compressed piece of a member, not its last. */
    record Piece(byte[] compressed, long crc, long plainLength) {}

    /** A writer of one piece: plain bytes in, a {@link Piece} out. */
    static final class PieceWriter extends OutputStream {
        private final ByteArrayOutputStream compressed = new ByteArrayOutputStream(64 * 1024);
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final CheckedOutputStream out =
                new CheckedOutputStream(new DeflaterOutputStream(compressed, deflater, 64 * 1024, true), new CRC32());
        private long length;

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

        Piece finish() throws IOException {
            out.flush(); // a sync flush: the blocks end on a byte boundary, the last of them not final
            deflater.end();
            return new Piece(compressed.toByteArray(), out.getChecksum().getValue(), length);
        }
    }

    private GzipJoin() {}

    /** The start of a member: the gzip header, then the pieces in order. */
    static Head head(List<Piece> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER.length
                + pieces.stream().mapToInt(p -> p.compressed().length).sum());
        out.writeBytes(HEADER);
        long crc = 0;
        long length = 0;
        for (Piece piece : pieces) {
            out.writeBytes(piece.compressed());
            crc = combine(crc, piece.crc(), piece.plainLength());
            length += piece.plainLength();
        }
        return new Head(out.toByteArray(), crc, length);
    }

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
        CRC32 ofTail = new CRC32();
        ofTail.update(tail);
        writeIntLittleEndian(out, combine(head.crc(), ofTail.getValue(), tail.length));
        writeIntLittleEndian(out, head.plainLength() + tail.length);
        return out.toByteArray();
    }

    /**
     * The CRC-32 of two byte strings one after the other, from the CRC-32 of each and the length of the second:
     * the first CRC is carried through as many zero bytes as the second has (a linear map over GF(2), applied by
     * repeated squaring), then the second is added.
     */
    static long combine(long crc1, long crc2, long length2) {
        if (length2 <= 0) {
            return crc1;
        }
        int[] even = new int[GF2_DIM];
        int[] odd = new int[GF2_DIM];
        odd[0] = 0xedb88320; // the operator for one zero bit
        int row = 1;
        for (int n = 1; n < GF2_DIM; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four
        long crc = crc1;
        long length = length2;
        do {
            square(even, odd); // the first time eight zero bits: one zero byte
            if ((length & 1) != 0) {
                crc = times(even, crc);
            }
            length >>>= 1;
            if (length == 0) {
                break;
            }
            square(odd, even);
            if ((length & 1) != 0) {
                crc = times(odd, crc);
            }
            length >>>= 1;
        } while (length != 0);
        return (crc ^ crc2) & 0xffffffffL;
    }

    private static long times(int[] matrix, long vector) {
        long sum = 0;
        int i = 0;
        long v = vector & 0xffffffffL;
        while (v != 0) {
            if ((v & 1) != 0) {
                sum ^= matrix[i] & 0xffffffffL;
            }
            v >>>= 1;
            i++;
        }
        return sum;
    }

    private static void square(int[] square, int[] matrix) {
        for (int n = 0; n < GF2_DIM; n++) {
            square[n] = (int) times(matrix, matrix[n] & 0xffffffffL);
        }
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
