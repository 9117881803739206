package io.steward.diagnostics;

import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real group whose third Sentinel (on 127.0.0.2) was told a replica is the master, as a Sentinel configured by
 * hand from a stale address is; the two others share 127.0.0.1 with the primary.
 */
class SentinelDisagreementDoctorTest {

    private static SentinelGroup group;
    private static SentinelRuns runs;
    private static RedisServer replica;
    private static GroupReport report;

    @BeforeAll
    static void examineGroup() throws Exception {
        group = SentinelGroup.builder()
                .sentinelHosts("127.0.0.1", "127.0.0.1", "127.0.0.2")
                .start();
        runs = new SentinelRuns();
        replica = group.replicas().get(0);
        RedisServer stale = group.sentinels().get(2);
        stale.call("SENTINEL", "REMOVE", group.masterName());
        stale.call("SENTINEL", "MONITOR", group.masterName(), replica.host(), String.valueOf(replica.port()), "2");
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

    /** Addresses as the report lists them: sorted. */
    static String sorted(RedisServer... servers) {
        return Stream.of(servers).map(RedisServer::address).sorted().collect(Collectors.joining(", "));
    }

    @Test
    void aSentinelThatNamesAReplicaSendsItsClientsToAReplica() {
        Finding finding = finding(report, "sentinel-disagree");

        String primary = group.dataNodes().get(0).address();
        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(finding.title())
                .isEqualTo(
                        "The Sentinels disagree on the primary of mymaster: " + primary + " or " + replica.address());
        assertThat(finding.evidence())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("Sentinel " + group.sentinels().get(0).address() + " names " + primary))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("Sentinel " + group.sentinels().get(2).address() + " names " + replica.address()))
                .contains(replica.address() + " says role:slave, following " + primary + ": clients that ask "
                        + group.sentinels().get(2).address() + " for the primary are sent to a replica, and their"
                        + " writes fail (READONLY)");
        assertThat(finding.remedy())
                .contains("SENTINEL REMOVE mymaster")
                .contains(
                        "SENTINEL MONITOR mymaster " + group.dataNodes().get(0).host() + " "
                                + group.dataNodes().get(0).port() + " 2");
    }

    @Test
    void aHostWithTwoOfThreeSentinelsAndThePrimaryTakesEveryFailoverWithIt() {
        Finding finding = finding(report, "sentinel-one-host");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("One host runs a majority of the Sentinels: losing it stops every failover");
        assertThat(finding.evidence())
                .contains("127.0.0.1 runs 2 Sentinels of 3 ("
                        + sorted(group.sentinels().get(0), group.sentinels().get(1))
                        + "): losing it leaves 1, short of the majority of 2 a"
                        + " failover needs")
                .contains("127.0.0.1 also runs the primary "
                        + group.dataNodes().get(0).address()
                        + ": losing that host is exactly when a failover is needed, and none could be authorized");
        assertThat(finding.remedy()).startsWith("Spread the Sentinels so that no host runs more than 1 Sentinel of 3");
    }
}
