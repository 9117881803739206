package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Observes real data nodes side by side, as {@code steward doctor} does a group's members (two polls each, one sample
 * window), and runs the group rules of any replicated group over them (not Sentinel's or Cluster's).
 */
final class GroupRuns implements AutoCloseable {

    static final GroupDiagnosis DIAGNOSIS = new GroupDiagnosis(rules(), new Diagnosis(Rules.standard()));

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
    private final String password;

    GroupRuns() {
        this(null);
    }

    /** @param password the group's: every member is read with it */
    GroupRuns(String password) {
        this.password = password;
    }

    private static List<GroupRule> rules() {
        List<GroupRule> rules = new ArrayList<>();
        rules.addAll(MembershipRules.all());
        rules.addAll(FailoverRules.all());
        rules.addAll(DriftRules.all());
        return rules;
    }

    /** The group target all members are named after. */
    private Target group(String address) {
        RedisURI uri = RedisURI.create("redis://" + address);
        uri.setTimeout(Duration.ofSeconds(2));
        if (password != null) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(null, password.toCharArray()));
        }
        return new Target("sessions", uri, Duration.ofSeconds(15));
    }

    /**
     * The primary and its replicas, as a topology would name them, each observed over a one-second window; one not
     * answering is a member not read.
     */
    GroupObservation observe(MemoryLimits limits, RedisServer primary, RedisServer... replicas) throws Exception {
        List<String> nodes = new ArrayList<>();
        nodes.add(primary.address());
        for (RedisServer replica : replicas) {
            nodes.add(replica.address());
        }
        return observe(limits, nodes);
    }

    GroupObservation observe(RedisServer primary, RedisServer... replicas) throws Exception {
        return observe(MemoryLimits.UNKNOWN, primary, replicas);
    }

    /** @param nodes {@code host:port} of the primary, then of its replicas */
    GroupObservation observe(MemoryLimits limits, List<String> nodes) throws Exception {
        Target group = group(nodes.get(0));
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Member> topology = new ArrayList<>();
            List<Future<Observation>> pending = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Member member =
                        new Member(nodes.get(i), Member.Kind.DATA, i == 0 ? Role.PRIMARY : Role.REPLICA, "sessions");
                topology.add(member);
                Target target = group.member(member);
                pending.add(pool.submit(() -> {
                    try (TargetPoller poller =
                            new TargetPoller(target, connector, Clock.systemUTC(), PollOptions.doctor())) {
                        return new Doctor(Doctor.SLEEP, new Diagnosis(List.of()), limits)
                                .observe(poller::poll, Duration.ofSeconds(1));
                    }
                }));
            }
            List<GroupMember> members = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                try {
                    members.add(GroupMember.read(topology.get(i), pending.get(i).get()));
                } catch (ExecutionException failed) {
                    if (!(failed.getCause() instanceof DoctorException unreadable)) {
                        throw failed;
                    }
                    members.add(GroupMember.unreadable(topology.get(i), unreadable.getMessage()));
                }
            }
            return GroupObservation.ofReplication(group, members);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The group rules' report (with each member's own report) over the primary and its replicas. */
    GroupReport examine(RedisServer primary, RedisServer... replicas) throws Exception {
        return examine(observe(primary, replicas));
    }

    static GroupReport examine(GroupObservation group) {
        return DIAGNOSIS.examine(group, java.time.Instant.now());
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
