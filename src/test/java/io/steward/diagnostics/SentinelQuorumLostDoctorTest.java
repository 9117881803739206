package io.steward.diagnostics;

import static io.steward.diagnostics.GroupRuns.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisServer;
import io.steward.testing.SentinelGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real group whose Sentinels die one by one, until those left cannot fail the primary over. */
class SentinelQuorumLostDoctorTest {

    /** Whether SENTINEL CKQUORUM on this Sentinel says it cannot reach the quorum or the majority. */
    private static boolean noQuorum(SentinelGroup group, RedisServer sentinel) {
        try {
            sentinel.call("SENTINEL", "CKQUORUM", group.masterName());
            return false;
        } catch (RuntimeException refused) {
            return String.valueOf(refused.getMessage()).startsWith("NOQUORUM");
        }
    }

    @Test
    void aQuorumOrAMajorityTheSentinelsUpNowCannotReachIsCritical() throws Exception {
        try (SentinelGroup group = SentinelGroup.start();
                SentinelRuns runs = new SentinelRuns()) {
            RedisServer first = group.sentinels().get(0);
            RedisServer second = group.sentinels().get(1);
            RedisServer third = group.sentinels().get(2);
            group.sentinels().forEach(s -> s.call("SENTINEL", "SET", group.masterName(), "quorum", "3"));
            third.kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> noQuorum(group, first) && noQuorum(group, second));

            Finding quorumLost = finding(runs.examine(group), "sentinel-quorum-unreachable");

            assertThat(quorumLost.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(quorumLost.title())
                    .isEqualTo("If the primary failed now, no failover would happen: a failover needs 3 of the 3"
                            + " Sentinels and fewer are up");
            assertThat(quorumLost.evidence())
                    .contains("3 Sentinels watch mymaster; 2 answered the doctor ("
                            + SentinelDisagreementDoctorTest.sorted(first, second)
                            + "); not read: " + third.address())
                    .contains("SENTINEL CKQUORUM mymaster on " + first.address() + ": NOQUORUM 2 usable Sentinels."
                            + " Not enough available Sentinels to reach the specified quorum for this master");
            assertThat(quorumLost.remedy()).startsWith("Start the Sentinels that are down (" + third.address() + ")");

            // One Sentinel left, with a quorum of one: it can call the primary down, but not win the vote.
            second.kill();
            first.call("SENTINEL", "SET", group.masterName(), "quorum", "1");
            await().atMost(Duration.ofSeconds(60)).until(() -> noQuorum(group, first));

            Finding majorityLost = finding(runs.examine(group), "sentinel-quorum-unreachable");

            assertThat(majorityLost.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(majorityLost.title())
                    .isEqualTo("If the primary failed now, no failover would happen: a failover needs 2 of the 3"
                            + " Sentinels and fewer are up");
            assertThat(majorityLost.evidence())
                    .contains("quorum 1: 1 Sentinel must deem the primary down; a failover then needs the votes of"
                            + " 2 (a majority of 3)")
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("SENTINEL CKQUORUM mymaster on " + first.address() + ": NOQUORUM 1 usable")
                            .contains("majority"));
        }
    }
}
