package io.steward.backup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-64/REDIS (Jones polynomial, reflected, init and xor-out 0): the checksum Redis writes at the end of every
 * RDB file. Sliced by eight bytes, which runs at memory speed; the JDK has no CRC-64.
 *
 * <p>The CRC over a whole file, trailer included, is 0 when the trailer is right: that is how a stream is checked
 * without knowing where it ends.
 */
final class Crc64 {

    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[][] TABLES = tables();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Crc64() {}

    static long update(long crc, byte[] bytes, int offset, int length) {
        long[] t0 = TABLES[0];
        long[] t1 = TABLES[1];
        long[] t2 = TABLES[2];
        long[] t3 = TABLES[3];
        long[] t4 = TABLES[4];
        long[] t5 = TABLES[5];
        long[] t6 = TABLES[6];
        long[] t7 = TABLES[7];
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long x = crc ^ (long) LONGS.get(bytes, i);
            crc = t7[(int) (x & 0xff)]
                    ^ t6[(int) ((x >>> 8) & 0xff)]
                    ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)]
                    ^ t3[(int) ((x >>> 32) & 0xff)]
                    ^ t2[(int) ((x >>> 40) & 0xff)]
                    ^ t1[(int) ((x >>> 48) & 0xff)]
                    ^ t0[(int) (x >>> 56)];
        }
        for (; i < end; i++) {
            crc = t0[(int) ((crc ^ bytes[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    private static long[][] tables() {
        long[][] tables = new long[8][256];
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            tables[0][n] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                long previous = tables[k - 1][n];
                tables[k][n] = (previous >>> 8) ^ tables[0][(int) (previous & 0xff)];
            }
        }
        return tables;
    }
}
