package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import io.steward.collector.Member;
import io.steward.collector.PollOptions;
import io.steward.collector.RedisConnector;
import io.steward.collector.Role;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Observes real data nodes side by side, as {@code steward doctor} does a group's members (two polls each, one sample
 * window), and runs the group rules of this branch over them.
 */
final class GroupRuns implements AutoCloseable {

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));

    /** The rules of any replicated group (not Sentinel's or Cluster's), with each member's own rules. */
    static final GroupDiagnosis DIAGNOSIS = new GroupDiagnosis(
            List.copyOf(new ArrayList<GroupRule>() {
                {
                    addAll(MembershipRules.all());
                    addAll(FailoverRules.all());
                    addAll(DriftRules.all());
                }
            }),
            new Diagnosis(Rules.standard()));

    /** The group target all members are named after. */
    static Target group(RedisServer first) {
        RedisURI uri = RedisURI.create(first.uri());
        uri.setTimeout(Duration.ofSeconds(5));
        return new Target("sessions", uri, Duration.ofSeconds(15));
    }

    /** Each server observed over a one-second window; the group named after the first. */
    GroupObservation observe(HostMemory memory, RedisServer... servers) throws Exception {
        Target group = group(servers[0]);
        ExecutorService pool = Executors.newFixedThreadPool(servers.length);
        try {
            List<Future<Observation>> pending = new ArrayList<>();
            for (RedisServer server : servers) {
                Target member = group.member(new Member(server.address(), Member.Kind.DATA, Role.UNKNOWN, ""));
                pending.add(pool.submit(() -> {
                    try (TargetPoller poller =
                            new TargetPoller(member, connector, Clock.systemUTC(), PollOptions.doctor())) {
                        return new Doctor(Doctor.SLEEP, new Diagnosis(List.of()))
                                .observe(poller::poll, Duration.ofSeconds(1));
                    }
                }));
            }
            List<GroupMember> members = new ArrayList<>();
            for (int i = 0; i < servers.length; i++) {
                Observation observation = pending.get(i).get();
                members.add(GroupMember.read(
                        new Member(servers[i].address(), Member.Kind.DATA, observation.role(), ""), observation));
            }
            return GroupObservation.ofReplication(group, members, memory);
        } finally {
            pool.shutdownNow();
        }
    }

    GroupObservation observe(RedisServer... servers) throws Exception {
        return observe(HostMemory.FROM_INFO, servers);
    }

    /** The group rules' report (with each member's own report) over the servers. */
    GroupReport examine(RedisServer... servers) throws Exception {
        GroupObservation group = observe(servers);
        return DIAGNOSIS.examine(
                group, Doctor.startOf(group.readDataNodes().get(0).observed()));
    }

    static Finding finding(GroupReport report, String rule) {
        Optional<Finding> found =
                report.findings().stream().filter(f -> f.id().equals(rule)).findFirst();
        if (found.isEmpty()) {
            fail("no finding " + rule + " in:\n" + new TextReport(false).render(report));
        }
        return found.get();
    }

    static void assertNoFinding(GroupReport report, String rule) {
        assertThat(report.findings().stream().map(Finding::id).toList())
                .as(new TextReport(false).render(report))
                .doesNotContain(rule);
    }

    @Override
    public void close() {
        connector.close();
    }
}
