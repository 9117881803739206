package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static Manifest backupAt(Instant started) {
        String id = BackupLayout.newId(started);
        return new Manifest(
                Manifest.SCHEMA_VERSION,
                id,
                "cache",
                started.toString(),
                started.plusSeconds(5).toString(),
                new Manifest.Source("127.0.0.1:6379", "7.0.15", "r", "master", 0),
                new Manifest.Rdb("/var/lib/redis/dump.rdb", 10, 100, "a", "b"),
                new Manifest.Stored("cache/" + id + "/dump.rdb.zst", "zstd", 50, "c"),
                Map.of(),
                "test");
    }

    /** One backup every 6 hours for 100 days, newest at 2026-11-21T18:00Z. */
    private static List<Manifest> everySixHours() {
        List<Manifest> backups = new ArrayList<>();
        Instant newest = Instant.parse("2026-11-21T18:00:00Z");
        for (int i = 0; i < 400; i++) {
            backups.add(backupAt(newest.minus(Duration.ofHours(6L * i))));
        }
        return backups;
    }

    private static List<String> kept(RetentionPolicy policy, List<Manifest> backups) {
        return policy.apply(backups).stream()
                .filter(RetentionPolicy.Decision::keep)
                .map(d -> d.backup().startedAt())
                .toList();
    }

    @Test
    void keepsTheLastNAndTheNewestOfEachDayWeekAndMonth() {
        List<String> kept = kept(new RetentionPolicy(3, 7, 4, 3), everySixHours());
        assertThat(kept)
                .containsExactly(
                        "2026-11-21T18:00:00Z", // last, daily, weekly (W47), monthly (November)
                        "2026-11-21T12:00:00Z", // last
                        "2026-11-21T06:00:00Z", // last
                        "2026-11-20T18:00:00Z",
                        "2026-11-19T18:00:00Z",
                        "2026-11-18T18:00:00Z",
                        "2026-11-17T18:00:00Z",
                        "2026-11-16T18:00:00Z", // daily; also the newest of ISO week 46 (ends Sunday the 15th? no: Mon
                        // 16th starts W47)
                        "2026-11-15T18:00:00Z", // daily (7th day) and weekly W46
                        "2026-11-08T18:00:00Z", // weekly W45
                        "2026-11-01T18:00:00Z", // weekly W44
                        "2026-10-31T18:00:00Z", // monthly October
                        "2026-09-30T18:00:00Z"); // monthly September
    }

    @Test
    void theNewestIsKeptWhateverTheNumbers() {
        List<RetentionPolicy.Decision> decisions = new RetentionPolicy(0, 0, 0, 0).apply(everySixHours());
        assertThat(decisions.stream().filter(RetentionPolicy.Decision::keep))
                .singleElement()
                .satisfies(d -> assertThat(d.keptFor()).containsExactly("newest"))
                .satisfies(d -> assertThat(d.backup().startedAt()).isEqualTo("2026-11-21T18:00:00Z"));
    }

    @Test
    void keepLastCountsBackupsNotDays() {
        assertThat(kept(new RetentionPolicy(2, 0, 0, 0), everySixHours()))
                .containsExactly("2026-11-21T18:00:00Z", "2026-11-21T12:00:00Z");
    }
}
