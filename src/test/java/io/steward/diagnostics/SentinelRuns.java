package io.steward.diagnostics;

import io.steward.collector.GroupSurvey;
import io.steward.collector.Member;
import io.steward.collector.PollOptions;
import io.steward.collector.RedisConnector;
import io.steward.collector.Role;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.collector.TargetUri;
import io.steward.collector.TlsFiles;
import io.steward.collector.Topology;
import io.steward.testing.SentinelGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Examines a real Sentinel group as {@code steward doctor redis-sentinel://...} does: a survey of its Sentinels finds
 * the members, then every member is observed side by side over one short window, and the Sentinel rules judge the
 * group (the members' own rules and the other group rules are left out).
 */
final class SentinelRuns implements AutoCloseable {

    static final GroupDiagnosis DIAGNOSIS = new GroupDiagnosis(SentinelRules.all(), new Diagnosis(List.of()));

    private static final Duration SAMPLE = Duration.ofMillis(300);

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));
    private final Clock clock = Clock.systemUTC();

    /** The group's report by the Sentinel rules; its data nodes are read with {@code dataPassword} (or none). */
    GroupReport examine(SentinelGroup group, String dataPassword) throws Exception {
        return DIAGNOSIS.examine(observe(group, dataPassword), Instant.now());
    }

    GroupReport examine(SentinelGroup group) throws Exception {
        return examine(group, null);
    }

    GroupObservation observe(SentinelGroup sentinels, String dataPassword) throws Exception {
        Target group = TargetUri.parse(sentinels.sentinelUri())
                .target(
                        "sessions",
                        new TargetUri.Login(null, dataPassword),
                        TargetUri.Login.NONE,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(15),
                        TlsFiles.NONE);
        GroupSurvey.Result survey = GroupSurvey.of(group, this::pollOnce, clock);
        Topology topology = survey.state()
                .topology()
                .orElseThrow(() ->
                        new AssertionError("no topology: " + survey.state().problem()));
        // The configured Sentinels that are down are members too, as the doctor reports them.
        Map<String, Member> members = new LinkedHashMap<>();
        topology.members().forEach(m -> members.put(m.node(), m));
        group.group()
                .entryPoints()
                .forEach(node -> members.putIfAbsent(node, new Member(node, Member.Kind.SENTINEL, Role.UNKNOWN, "")));
        return GroupObservation.of(survey.state(), observeAll(group, List.copyOf(members.values())));
    }

    private List<GroupMember> observeAll(Target group, List<Member> members) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(members.size());
        try {
            List<Future<Observation>> pending = new ArrayList<>();
            for (Member member : members) {
                Target target = group.member(member);
                pending.add(pool.submit(() -> {
                    try (TargetPoller poller = new TargetPoller(target, connector, clock, PollOptions.doctor())) {
                        return new Doctor(Doctor.SLEEP, new Diagnosis(List.of())).observe(poller::poll, SAMPLE);
                    }
                }));
            }
            List<GroupMember> observed = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                try {
                    observed.add(GroupMember.read(members.get(i), pending.get(i).get()));
                } catch (ExecutionException failed) {
                    if (!(failed.getCause() instanceof DoctorException unreadable)) {
                        throw failed;
                    }
                    observed.add(GroupMember.unreadable(members.get(i), unreadable.getMessage()));
                }
            }
            return observed;
        } finally {
            pool.shutdownNow();
        }
    }

    private io.steward.collector.PollResult pollOnce(Target member) {
        try (TargetPoller poller = new TargetPoller(member, connector, clock, PollOptions.oneOff())) {
            return poller.poll();
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
