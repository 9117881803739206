package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.steward.testing.Bounded;
import io.steward.testing.Mutations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The keys of a real BGSAVE's RDB read past their values, as a backup counts them, over damaged files: the reader
 * fails with an {@link IOException} or counts, never loops, and counts no more keys than the file has bytes.
 */
class RdbKeysPropertiesTest {

    private static final byte[] REAL = read("/backup/redis-7.0/dump.rdb");

    private static byte[] read(String resource) {
        try (InputStream in = RdbKeysPropertiesTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    @Provide
    Arbitrary<byte[]> damagedRdbs() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Mutations.mutatedBytes(REAL)),
                net.jqwik.api.Tuple.of(1, Mutations.randomBytes()));
    }

    /**
     * A length of 2^31 or 2^62 in RDB's encoding written over any byte of the real file: wherever it lands on a
     * length, a reader that trusted it would allocate gigabytes.
     */
    @Property(tries = 300)
    void aHugeLengthAnywhereAllocatesNoMoreThanTheFileCouldHold(
            @ForAll @net.jqwik.api.constraints.IntRange(min = 9, max = 400) int at,
            @ForAll("hugeLengths") byte[] length,
            @ForAll boolean overwrite) {
        int from = Math.min(at, REAL.length);
        byte[] bytes = new byte[REAL.length + (overwrite ? 0 : length.length)];
        System.arraycopy(REAL, 0, bytes, 0, from);
        System.arraycopy(length, 0, bytes, from, Math.min(length.length, bytes.length - from));
        int rest = from + length.length;
        int tail = overwrite ? from + length.length : from;
        if (rest < bytes.length && tail < REAL.length) {
            System.arraycopy(REAL, tail, bytes, rest, Math.min(REAL.length - tail, bytes.length - rest));
        }

        keyReadingThrowsOnlyAnIoErrorOnMutatedRealFiles(bytes);
    }

    @Provide
    Arbitrary<byte[]> hugeLengths() {
        return Arbitraries.of(
                new byte[] {(byte) 0x80, (byte) 0x80, 0, 0, 0},
                new byte[] {(byte) 0x80, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[] {(byte) 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0},
                new byte[] {
                    (byte) 0x81,
                    0x7f,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff
                },
                new byte[] {0x7f, (byte) 0xff});
    }

    @Property(tries = 300)
    void keyReadingThrowsOnlyAnIoErrorOnMutatedRealFiles(@ForAll("damagedRdbs") byte[] bytes) {
        long[] allocated = new long[1];
        Bounded.Outcome<Long> outcome = Bounded.run(() -> {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            long[] keys = {0};
            try {
                RdbKeys.read(new ByteArrayInputStream(bytes), RdbKeys.Values.SKIPPED, key -> keys[0]++);
                return keys[0];
            } finally {
                allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
            }
        });

        Long keys = Bounded.returnedOrThrew(outcome, IOException.class);
        if (keys != null) {
            assertThat(keys).isLessThanOrEqualTo(bytes.length);
        }
        assertThat(allocated[0]).as("bytes allocated").isLessThan(64L * 1024 * 1024);
    }
}
