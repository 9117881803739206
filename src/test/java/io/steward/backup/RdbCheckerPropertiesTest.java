package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.steward.testing.Bounded;
import io.steward.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The RDB of a real BGSAVE (Redis 7.0: strings, a list, a hash, a set, a sorted set, a stream, a key with a TTL, two
 * databases), damaged: the header and trailer checks refuse it with the corrupt-RDB error or pass it, whatever the
 * bytes and however they arrive, in constant memory.
 */
class RdbCheckerPropertiesTest {

    private static final byte[] REAL = read("/backup/redis-7.0/dump.rdb");

    /**
     * What one check may allocate besides the input: a SHA-256, its hex and a message. A checker that sized a buffer
     * from a length read out of the file would allocate up to gigabytes for the hostile lengths the edits write.
     */
    private static final long ALLOCATION_ALLOWANCE = 256 * 1024;

    private static byte[] read(String resource) {
        try (InputStream in = RdbCheckerPropertiesTest.class.getResourceAsStream(resource)) {
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

    @Example
    void theRealRdbPasses() {
        RdbDigest digest = check(REAL, REAL.length);

        assertThat(digest.rdbVersion()).isEqualTo(10);
        assertThat(digest.size()).isEqualTo(REAL.length);
    }

    @Property(tries = 800)
    void rdbCheckerThrowsOnlyCorruptRdbOnMutatedRealFiles(
            @ForAll("damagedRdbs") byte[] bytes, @ForAll @IntRange(min = 1, max = 600) int chunk) {
        long[] allocated = new long[1];
        Bounded.Outcome<RdbDigest> outcome = Bounded.run(() -> {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                return check(bytes, chunk);
            } finally {
                allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
            }
        });

        RdbDigest digest = Bounded.returnedOrThrew(outcome, BackupException.class);
        if (digest == null) {
            assertThat(((BackupException) outcome.thrown()).reason()).isEqualTo(BackupFailure.RDB_CORRUPT);
        } else {
            assertThat(digest.size()).isEqualTo(bytes.length);
        }
        assertThat(allocated[0]).isLessThan(ALLOCATION_ALLOWANCE + 4L * bytes.length);
    }

    @Property(tries = 400)
    void everyChangeOfOneByteOfARealRdbIsRefused(
            @ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] bytes = REAL.clone();
        bytes[at % bytes.length] ^= (byte) xor;

        Bounded.Outcome<RdbDigest> outcome = Bounded.run(() -> check(bytes, bytes.length));

        assertThat(outcome.thrown())
                .isExactlyInstanceOf(BackupException.class)
                .satisfies(e -> assertThat(((BackupException) e).reason()).isEqualTo(BackupFailure.RDB_CORRUPT));
    }

    @Property(tries = 200)
    void aVersionThatIsNotDigitsIsRefused(@ForAll("versions") String version) {
        byte[] bytes = REAL.clone();
        byte[] written = version.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(written, 0, bytes, 5, 4);

        Bounded.Outcome<RdbDigest> outcome = Bounded.run(() -> check(bytes, bytes.length));

        assertThat(outcome.thrown()).isExactlyInstanceOf(BackupException.class).hasMessageContaining("version");
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.oneOf(
                Arbitraries.of("+010", "-001", "  10", "10  ", "0x0A", "1e1 "),
                Arbitraries.strings()
                        .withChars("0123456789+- \u0000")
                        .ofLength(4)
                        .filter(v -> !v.chars().allMatch(Character::isDigit)));
    }

    /** The bytes through a checker in pieces of {@code chunk}, as they stream from Redis to the store. */
    private static RdbDigest check(byte[] bytes, int chunk) {
        RdbChecker checker = new RdbChecker("dump.rdb");
        for (int offset = 0; offset < bytes.length; offset += chunk) {
            checker.update(bytes, offset, Math.min(chunk, bytes.length - offset));
        }
        return checker.finish();
    }
}
