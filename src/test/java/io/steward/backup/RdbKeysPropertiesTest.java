package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Mutations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The keys of a real BGSAVE's RDB read past their values, as a backup counts them, over damaged files: the reader
 * fails with an {@link IOException} or counts, never loops, and counts no more keys than the file has bytes.
 *
 * <p>What it allocates is not bounded here: the RDB library sizes a string's array from the length the file gives
 * before it reads the string, so a damaged length allocates up to that length (an {@link OutOfMemoryError} there is
 * an {@link IOException} of {@link RdbKeys}). The header and trailer checks, which see every byte first, allocate
 * nothing from the file ({@code RdbCheckerPropertiesTest}).
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

    @Property(tries = 200)
    void keyReadingThrowsOnlyAnIoErrorOnMutatedRealFiles(@ForAll("damagedRdbs") byte[] bytes) {
        Bounded.Outcome<Long> outcome = Bounded.run(() -> {
            long[] keys = {0};
            RdbKeys.read(new ByteArrayInputStream(bytes), RdbKeys.Values.SKIPPED, key -> keys[0]++);
            return keys[0];
        });

        Long keys = Bounded.returnedOrThrew(outcome, IOException.class);
        if (keys != null) {
            assertThat(keys).isLessThanOrEqualTo(bytes.length);
        }
    }
}
