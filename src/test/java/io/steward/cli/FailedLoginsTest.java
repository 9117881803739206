package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.LogCapture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aBurstOfRefusedLoginsIsOneLineAndTheNextLineCountsTheRest() {
        Hands clock = new Hands();
        FailedLogins logins = new FailedLogins(clock);
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 5; i++) {
                logins.refused("192.0.2.7", "alice", true);
                clock.now = clock.now.plusSeconds(1);
            }
            clock.now = clock.now.plus(FailedLogins.INTERVAL);
            logins.refused("192.0.2.8", null, false);

            List<String> lines = log.lines();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0))
                    .isEqualTo("WARN refused a request from 192.0.2.7: a wrong password or unknown user 'alice'");
            assertThat(lines.get(1))
                    .isEqualTo("WARN refused a request from 192.0.2.8: no credentials"
                            + " (4 more refused since the last such line)");
        }
    }

    @Test
    void aUserNameCannotBreakTheLogLine() {
        FailedLogins logins = new FailedLogins(new Hands());
        try (LogCapture log = new LogCapture()) {
            logins.refused("192.0.2.7", "eve\nWARN forged line" + "x".repeat(100), true);

            assertThat(log.lines())
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .doesNotContain("\n")
                            .contains("'eve?WARN forged line")
                            .hasSizeLessThan(200));
        }
    }
}
