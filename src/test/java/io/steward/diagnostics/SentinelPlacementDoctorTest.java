package io.steward.diagnostics;

import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real group watched by two Sentinels, both on 127.0.0.2: too few, and on one host. */
class SentinelPlacementDoctorTest {

    private static SentinelGroup group;
    private static SentinelRuns runs;
    private static GroupReport report;

    @BeforeAll
    static void examineGroup() throws Exception {
        group = SentinelGroup.builder().sentinelHosts("127.0.0.2", "127.0.0.2").start();
        runs = new SentinelRuns();
        report = runs.examine(group);
    }

    @AfterAll
    static void stopGroup() {
        if (runs != null) {
            runs.close();
        }
        if (group != null) {
            group.close();
        }
    }

    private static String sentinels() {
        return SentinelDisagreementDoctorTest.sorted(group.sentinels().toArray(RedisServer[]::new));
    }

    @Test
    void twoSentinelsAreTooFewToSurviveTheLossOfEither() {
        Finding finding = finding(report, "sentinel-too-few");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("Only 2 Sentinels watch mymaster: one lost Sentinel stops every failover");
        assertThat(finding.evidence()).startsWith("2 Sentinels watch mymaster: " + sentinels());
        assertThat(finding.remedy())
                .startsWith("Run at least 3 Sentinels")
                .contains("sentinel monitor mymaster " + group.primary().host() + " "
                        + group.primary().port() + " 2");
    }

    @Test
    void sentinelsThatAllRunOnOneHostAreLostWithIt() {
        Finding finding = finding(report, "sentinel-one-host");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).isEqualTo("All 2 Sentinels run on one host: losing it stops every failover");
        assertThat(finding.evidence())
                .startsWith("127.0.0.2 runs 2 Sentinels of 2 (" + sentinels() + "): losing it leaves 0, short of"
                        + " the majority of 2 a failover needs");
        assertThat(finding.remedy()).startsWith("Run 3 Sentinels, each on a host of its own");
    }
}
