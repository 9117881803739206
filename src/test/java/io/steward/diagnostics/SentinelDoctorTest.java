package io.steward.diagnostics;

import static io.steward.diagnostics.GroupRuns.assertNoFinding;
import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Sentinel rules on one real, healthy group: a primary and three replicas on 127.0.0.1 to .4, three Sentinels
 * on .1 to .3. Each test puts the group in a state (a setting changed with SENTINEL SET, a Sentinel in TILT, a wrong
 * auth-pass, a failover that cannot finish) and the group is put back to health after it.
 */
class SentinelDoctorTest {

    private static final String PASSWORD = "sentinel-rules-secret";

    private static SentinelGroup group;
    private static boolean authPassChanged;
    private static SentinelRuns runs;

    @BeforeAll
    static void startGroup() {
        group = SentinelGroup.builder()
                .dataHosts("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
                .dataPassword(PASSWORD)
                .start();
        runs = new SentinelRuns();
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

    /** Every setting back to the group's own, no TILT, no failover: a healthy group again. */
    @AfterEach
    void restoreHealth() {
        for (RedisServer replica : group.replicas()) {
            replica.call("ACL", "SETUSER", "default", "+@all");
        }
        for (RedisServer sentinel : group.sentinels()) {
            sentinel.call("SENTINEL", "DEBUG", "tilt-trigger", "2000", "tilt-period", "100");
            sentinel.call(
                    "SENTINEL",
                    "SET",
                    group.masterName(),
                    "quorum",
                    "2",
                    "down-after-milliseconds",
                    "1000",
                    "failover-timeout",
                    "10000",
                    "parallel-syncs",
                    "1");
        }
        if (authPassChanged) {
            // A new auth-pass drops the Sentinel's links: it reconnects with it.
            set(sentinel(1), "auth-pass", PASSWORD);
            authPassChanged = false;
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> group.sentinels().stream()
                        .allMatch(s -> info(s).contains("sentinel_tilt:0")
                                && masterFlags(s).equals("master")));
        group.sentinels().forEach(s -> s.call("SENTINEL", "DEBUG", "tilt-period", "30000"));
        group.awaitSentinelsAgree();
    }

    private static String masterFlags(RedisServer sentinel) {
        List<Object> fields = sentinel.call("SENTINEL", "MASTER", group.masterName());
        return String.valueOf(fields.get(fields.indexOf("flags") + 1));
    }

    private static String info(RedisServer sentinel) {
        return sentinel.commands().info("sentinel");
    }

    private static void setOnAll(String... settings) {
        group.sentinels().forEach(s -> set(s, settings));
    }

    private static void set(RedisServer sentinel, String... settings) {
        String[] args = new String[settings.length + 2];
        args[0] = "SET";
        args[1] = group.masterName();
        System.arraycopy(settings, 0, args, 2, settings.length);
        sentinel.call("SENTINEL", args);
    }

    private static GroupReport examine() throws Exception {
        return runs.examine(group, PASSWORD);
    }

    private static RedisServer sentinel(int index) {
        return group.sentinels().get(index);
    }

    @Test
    void aHealthyGroupOnThreeHostsGetsNoWarningFromTheSentinelRules() throws Exception {
        GroupReport report = examine();

        assertThat(report.findings())
                .as(new TextReport(false).render(report))
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
        assertThat(report.skipped()).isEmpty();
        assertThat(report.rulesChecked()).isEqualTo(SentinelRules.all().size());
        assertNoFinding(report, "sentinel-one-host");
        assertNoFinding(report, "sentinel-too-few");
    }

    @Test
    void aDownAfterBelowASecondFailsOverOnABlip() throws Exception {
        set(sentinel(0), "down-after-milliseconds", "400");

        Finding finding = finding(examine(), "sentinel-down-after");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).startsWith("down-after-milliseconds is 400 ms: a stall of the primary");
        assertThat(finding.evidence())
                .contains("down-after-milliseconds 400 on " + sentinel(0).address())
                .contains("down-after-milliseconds 1000 on " + sentinel(1).address() + ", "
                        + sentinel(2).address());
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster down-after-milliseconds 5000");
    }

    @Test
    void aDownAfterOverAMinuteLeavesTheGroupWithoutAPrimaryForMinutes() throws Exception {
        setOnAll("down-after-milliseconds", "120000");

        Finding finding = finding(examine(), "sentinel-down-after");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("down-after-milliseconds is 120000 ms: an outage of the primary lasts 2.0 min or more"
                        + " before a failover starts");
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster down-after-milliseconds 30000");
    }

    @Test
    void aFailoverTimeoutTooShortForTheElectionAndPromotionIsAWarning() throws Exception {
        setOnAll("failover-timeout", "2000");

        Finding finding = finding(examine(), "sentinel-failover-timeout");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).startsWith("failover-timeout is 2000 ms: too short for a failover");
        assertThat(finding.evidence())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("then the 2 other replicas resync from the new primary, 1 at a time; a full sync"
                                + " of "));
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster failover-timeout 180000");
    }

    @Test
    void aFailoverTimeoutOfAnHourLeavesAFailedFailoverUnretriedForTwoHours() throws Exception {
        setOnAll("failover-timeout", "3600000");

        Finding finding = finding(examine(), "sentinel-failover-timeout");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("failover-timeout is 3600000 ms: a failed failover leaves the primary down 2.0 h before"
                        + " the next try");
    }

    @Test
    void parallelSyncsAsHighAsTheReplicasLeftResyncsThemAllAtOnceForAsLongAsAFullSyncTakes() throws Exception {
        setOnAll("parallel-syncs", "2");

        Finding finding = finding(examine(), "sentinel-parallel-syncs");

        // The group's data is small: every replica away at once costs a moment, a note rather than a warning.
        assertThat(finding.severity()).isEqualTo(Severity.INFO);
        assertThat(finding.title())
                .isEqualTo("parallel-syncs 2 with 3 replicas: after a failover every remaining replica resyncs at"
                        + " once, and none serves reads");
        assertThat(finding.evidence())
                .contains("parallel-syncs 2 on "
                        + SentinelDisagreementDoctorTest.sorted(sentinel(0), sentinel(1), sentinel(2)))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("a replica loading the new primary's snapshot answers LOADING to every command:"
                                + " for that time no replica serves reads; a full sync of "));
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster parallel-syncs 1");
    }

    @Test
    void aQuorumBelowAMajorityLetsOneSentinelFailOverAPrimaryTheOthersReach() throws Exception {
        // A slower down-after keeps a one-Sentinel quorum from failing the primary over on a busy machine.
        setOnAll("down-after-milliseconds", "30000", "quorum", "1");

        Finding finding = finding(examine(), "sentinel-quorum-below-majority");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("The quorum (1) is below a majority of the 3 Sentinels (2): a minority can fail over a"
                        + " primary the others still reach");
        assertThat(finding.remedy()).startsWith("on every Sentinel (").contains("): SENTINEL SET mymaster quorum 2");
    }

    @Test
    void aQuorumAboveTheNumberOfSentinelsMeansNoFailoverEver() throws Exception {
        setOnAll("quorum", "4");

        Finding finding = finding(examine(), "sentinel-quorum-unreachable");

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(finding.title())
                .isEqualTo("The quorum (4) is more than the 3 Sentinels: no failover can ever happen");
        assertThat(finding.evidence())
                .anySatisfy(line -> assertThat(line)
                        .contains("SENTINEL CKQUORUM mymaster on ")
                        .contains("NOQUORUM"));
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster quorum 2");
    }

    @Test
    void settingsThatDifferBetweenSentinelsAreNamedWithTheSentinelsThatHaveThem() throws Exception {
        set(sentinel(2), "failover-timeout", "20000");

        GroupReport report = examine();
        Finding finding = finding(report, "sentinel-settings-differ");

        assertThat(finding.severity()).isEqualTo(Severity.INFO);
        assertThat(finding.evidence())
                .contains("failover-timeout 10000 on " + sentinel(0).address() + ", "
                        + sentinel(1).address())
                .contains("failover-timeout 20000 on " + sentinel(2).address());
        assertThat(finding.remedy())
                .startsWith("on " + sentinel(2).address() + ": SENTINEL SET mymaster failover-timeout 10000");
        assertNoFinding(report, "sentinel-failover-timeout");
    }

    @Test
    void aSentinelInTiltModeIsReportedAsActingOnNothing() throws Exception {
        // Every timer tick now counts as a jump: the Sentinel enters TILT at once, as after a stall of its process.
        sentinel(0).call("SENTINEL", "DEBUG", "tilt-period", "60000", "tilt-trigger", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> info(sentinel(0)).contains("sentinel_tilt:1"));
        sentinel(0).call("SENTINEL", "DEBUG", "tilt-trigger", "2000");

        Finding finding = finding(examine(), "sentinel-tilt");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).isEqualTo("1 Sentinel in TILT mode: it acts on nothing for now");
        assertThat(finding.evidence())
                .anySatisfy(line ->
                        assertThat(line).startsWith("Sentinel " + sentinel(0).address() + ": sentinel_tilt:1"));
        assertThat(finding.evidence())
                .contains("in TILT a Sentinel acts on nothing and answers no when asked whether"
                        + " the primary is down: 2 of 3 Sentinels act now, a failover needs 2");
    }

    @Test
    void aSentinelWithAWrongAuthPassDeemsThePrimaryDownAlone() throws Exception {
        authPassChanged = true;
        set(sentinel(1), "auth-pass", "not-the-password");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> masterFlags(sentinel(1)).contains("s_down"));

        Finding finding = finding(examine(), "sentinel-primary-down");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title())
                .isEqualTo("Sentinel " + sentinel(1).address() + " deems the primary " + group.primaryAddress()
                        + " down while the others do not: its link to the primary fails");
        assertThat(finding.evidence())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("Sentinel " + sentinel(1).address() + ": flags ")
                        .contains("s_down"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("Sentinel " + sentinel(0).address() + ": flags master, last valid answer"))
                .contains("the doctor read " + group.primaryAddress() + " itself: role:master");
        assertThat(finding.remedy()).contains("SENTINEL SET mymaster auth-pass").doesNotContain(PASSWORD);
        assertThat(String.join("\n", finding.evidence())).doesNotContain(PASSWORD);
    }

    @Test
    void aFailoverThatCannotPromoteAReplicaIsReportedWhileItRuns() throws Exception {
        // The replicas refuse REPLICAOF NO ONE: the failover waits for a promotion that never comes.
        for (RedisServer replica : group.replicas()) {
            replica.call("ACL", "SETUSER", "default", "-slaveof", "-replicaof");
        }
        setOnAll("failover-timeout", "60000");
        sentinel(0).call("SENTINEL", "FAILOVER", group.masterName());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> masterFlags(sentinel(0)).contains("failover_in_progress"));

        Finding finding = finding(examine(), "sentinel-failover-in-progress");

        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.title()).isEqualTo("A failover of mymaster is under way");
        assertThat(finding.evidence())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("Sentinel " + sentinel(0).address() + ": failover-state ")
                        .contains("failover-timeout 60000 ms"));
        // A short timeout ends the failover that cannot finish.
        set(sentinel(0), "failover-timeout", "1000");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !masterFlags(sentinel(0)).contains("failover_in_progress"));
        assertThat(group.primaryAddress()).isEqualTo(group.dataNodes().get(0).address());
    }
}
