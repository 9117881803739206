package io.steward.diagnostics;

import io.lettuce.core.RedisURI;
import io.steward.collector.Group;
import io.steward.collector.GroupSurvey;
import io.steward.collector.Member;
import io.steward.collector.PollOptions;
import io.steward.collector.PollResult;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.collector.TlsFiles;
import io.steward.testing.RedisCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a real cluster as {@code steward doctor --cluster} does, from one seed: a survey finds every node, each is read
 * once with the doctor's reads (CONFIG GET too), and the Cluster rules judge the group.
 */
final class ClusterRuns {

    static final GroupDiagnosis DIAGNOSIS = new GroupDiagnosis(ClusterRules.all(), new Diagnosis(List.of()));

    private ClusterRuns() {}

    /** The cluster seen from its first running node. */
    static GroupObservation observe(RedisCluster cluster) {
        String seed = cluster.nodes().stream()
                .filter(node -> node.isAlive())
                .findFirst()
                .orElseThrow()
                .address();
        RedisURI uri = RedisURI.create("redis://" + seed);
        uri.setTimeout(Duration.ofSeconds(2));
        Target group =
                new Target("shop", uri, Duration.ofSeconds(15), TlsFiles.NONE, "", new Group.Cluster(List.of(seed)));
        try (RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            GroupSurvey.Result survey = GroupSurvey.of(group, member -> pollOnce(connector, member), Clock.systemUTC());
            List<GroupMember> members = new ArrayList<>();
            for (Member member : survey.state().topology().orElseThrow().members()) {
                Optional<PollResult> result = survey.members().stream()
                        .filter(r -> r.target().node().equals(member.node()))
                        .findFirst();
                if (result.isPresent() && result.get() instanceof PollResult.Polled polled) {
                    members.add(GroupMember.read(member, Observation.single(polled.snapshot(), "read once")));
                } else {
                    members.add(GroupMember.unreadable(
                            member,
                            result.map(r -> ((PollResult.Failed) r).message()).orElse("not polled")));
                }
            }
            return GroupObservation.of(survey.state(), members);
        }
    }

    private static PollResult pollOnce(RedisConnector connector, Target member) {
        try (TargetPoller poller = new TargetPoller(member, connector, Clock.systemUTC(), PollOptions.doctor())) {
            return poller.poll();
        }
    }

    static GroupReport examine(RedisCluster cluster) {
        return DIAGNOSIS.examine(observe(cluster), Instant.now());
    }
}
