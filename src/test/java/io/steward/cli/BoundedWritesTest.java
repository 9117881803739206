package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedWritesTest {

    /** Records the largest write it was handed. */
    private static final class Recording extends ByteArrayOutputStream {
        int largest;

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            largest = Math.max(largest, length);
            super.write(bytes, offset, length);
        }
    }

    @Test
    void aLargeAnswerReachesTheServerWholeInWritesNoLargerThanTheBuffer() throws IOException {
        byte[] large = new byte[1 << 20];
        new Random(7).nextBytes(large);
        Recording server = new Recording();
        try (BoundedWrites out = new BoundedWrites(server, 16 * 1024)) {
            out.write("head ".getBytes());
            out.write(large);
            out.write('!');
            out.write(large, 100, 40_000);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write("head ".getBytes());
        expected.write(large);
        expected.write('!');
        expected.write(large, 100, 40_000);
        assertThat(server.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(server.largest).isLessThanOrEqualTo(16 * 1024);
    }
}
