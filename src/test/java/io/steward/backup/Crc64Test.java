package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {

    @Test
    void matchesTheCheckValueOfCrc64Redis() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc64.update(0, check, 0, check.length)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void matchesRedisOwnTestVector() {
        // src/crc64.c tests the lorem ipsum sentence including its terminating NUL.
        String li =
                "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore"
                        + " et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut"
                        + " aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse"
                        + " cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in"
                        + " culpa qui officia deserunt mollit anim id est laborum.\0";
        byte[] bytes = li.getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc64.update(0, bytes, 0, bytes.length)).isEqualTo(0xc7794709e69683b3L);
    }

    @Test
    void givesTheSameResultWhateverTheChunking() {
        byte[] data = new byte[10_000];
        new Random(42).nextBytes(data);
        long whole = Crc64.update(0, data, 0, data.length);
        long chunked = 0;
        for (int offset = 0; offset < data.length; offset += 7) {
            chunked = Crc64.update(chunked, data, offset, Math.min(7, data.length - offset));
        }
        assertThat(chunked).isEqualTo(whole);
    }
}
