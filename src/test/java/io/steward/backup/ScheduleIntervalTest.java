package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The interval a "backup missing" alert allows for is the longest gap of the schedule, not the usual one. */
class ScheduleIntervalTest {

    private static final Instant MONDAY_NOON = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void anHourlyScheduleHasOneHourGaps() {
        assertThat(BackupScheduler.longestInterval("0 0 * * * ?", MONDAY_NOON)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aWorkingHoursScheduleAllowsForTheWeekend() {
        // Friday 17:00 to Monday 09:00.
        assertThat(BackupScheduler.longestInterval("0 0 9-17 ? * MON-FRI", MONDAY_NOON))
                .isEqualTo(Duration.ofHours(64));
    }
}
