package io.steward.cli;

import io.steward.collector.DaemonThreads;
import io.steward.collector.Group;
import io.steward.collector.GroupSurvey;
import io.steward.collector.Member;
import io.steward.collector.PollOptions;
import io.steward.collector.PollResult;
import io.steward.collector.RedisConnector;
import io.steward.collector.Replication;
import io.steward.collector.Role;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.collector.Topology;
import io.steward.diagnostics.Diagnosis;
import io.steward.diagnostics.Doctor;
import io.steward.diagnostics.DoctorException;
import io.steward.diagnostics.DoctorReport;
import io.steward.diagnostics.GroupDiagnosis;
import io.steward.diagnostics.GroupMember;
import io.steward.diagnostics.GroupObservation;
import io.steward.diagnostics.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Examines one target as {@code steward doctor} does: a server by two polls through the collector (and a replica's
 * primary by one more, to compare them); a group by a survey of its members, then two polls of every member side by
 * side over one sample window, then the group's rules and each member's own.
 */
final class Examiner {

    private static final int PARALLEL = 8;

    private final Doctor doctor;
    private final Diagnosis diagnosis;
    private final GroupDiagnosis groupDiagnosis;
    private final RedisConnector connector;
    private final Duration sample;
    private final Clock clock;

    Examiner(
            Doctor doctor,
            Diagnosis diagnosis,
            GroupDiagnosis groupDiagnosis,
            RedisConnector connector,
            Duration sample,
            Clock clock) {
        this.doctor = doctor;
        this.diagnosis = diagnosis;
        this.groupDiagnosis = groupDiagnosis;
        this.connector = connector;
        this.sample = sample;
        this.clock = clock;
    }

    /**
     * @throws DoctorException when the server (or no member of the group) can be read
     * @throws ConfigException when the group's members answer but do not describe it: a master name no Sentinel
     *     knows, seeds not in cluster mode
     */
    DoctorReport examine(Target target) throws DoctorException, InterruptedException {
        return target.isGroup() ? examineGroup(target) : examineServer(target);
    }

    private DoctorReport examineServer(Target target) throws DoctorException, InterruptedException {
        Observation observation = observe(target);
        Optional<Replication.PrimaryLink> primary = observation.primaryLink();
        // A replica over a unix socket has no host:port to be named by among its group's members.
        if (!observation.isReplica() || primary.isEmpty() || target.isSocket()) {
            return diagnosis.examine(observation, startOf(List.of(observation)));
        }
        // A replica alone: its primary, found from its INFO and read with the same credentials, is compared with it.
        Member replicaMember = new Member(target.address(), Member.Kind.DATA, Role.REPLICA, "");
        Member primaryMember = new Member(primary.get().address(), Member.Kind.DATA, Role.PRIMARY, "");
        GroupMember compared;
        try (TargetPoller poller =
                new TargetPoller(target.member(primaryMember), connector, clock, PollOptions.doctor())) {
            compared = GroupMember.compared(
                    primaryMember, doctor.glance(poller::poll, "read once, to compare its replica with"));
        } catch (DoctorException unreadable) {
            compared = GroupMember.unreadable(primaryMember, unreadable.getMessage());
        }
        GroupObservation group =
                GroupObservation.ofReplication(target, List.of(GroupMember.read(replicaMember, observation), compared));
        return groupDiagnosis.examine(group, startOf(List.of(observation)));
    }

    private DoctorReport examineGroup(Target target) throws DoctorException, InterruptedException {
        GroupSurvey.Result survey = GroupSurvey.of(target, GroupSurveys.pollOnce(connector, clock), clock);
        Optional<Topology> topology = survey.state().topology();
        if (topology.isEmpty()) {
            String problem = target.name() + ": " + survey.state().problem();
            if (survey.members().stream().noneMatch(r -> r instanceof PollResult.Polled)) {
                throw new DoctorException(
                        survey.members().stream()
                                .filter(r -> r instanceof PollResult.Failed)
                                .map(r -> ((PollResult.Failed) r).reason())
                                .findFirst()
                                .orElse(io.steward.collector.PollFailure.CONNECT),
                        problem);
            }
            throw new ConfigException(problem);
        }
        List<Member> members = members(target, topology.get(), survey.members());
        List<GroupMember> observed = observeAll(target, members);
        GroupObservation group = GroupObservation.of(survey.state(), observed);
        List<Observation> read =
                observed.stream().flatMap(m -> m.observation().stream()).toList();
        return groupDiagnosis.examine(group, read.isEmpty() ? clock.instant() : startOf(read));
    }

    /**
     * The members the topology names, then those the survey polled that it does not (a configured Sentinel that did
     * not answer), then the configured entry points neither names (a seed that did not answer).
     */
    private static List<Member> members(Target group, Topology topology, List<PollResult> surveyed) {
        Member.Kind entryKind = group.group() instanceof Group.Sentinel ? Member.Kind.SENTINEL : Member.Kind.DATA;
        Map<String, Member> members = new LinkedHashMap<>();
        topology.members().forEach(m -> members.put(m.node(), m));
        surveyed.forEach(r ->
                members.putIfAbsent(r.target().node(), new Member(r.target().node(), entryKind, Role.UNKNOWN, "")));
        group.group()
                .entryPoints()
                .forEach(node -> members.putIfAbsent(node, new Member(node, entryKind, Role.UNKNOWN, "")));
        return List.copyOf(members.values());
    }

    /** Every member observed side by side, so the group takes one sample window; one not read says why. */
    private List<GroupMember> observeAll(Target group, List<Member> members) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, Math.min(PARALLEL, members.size())), DaemonThreads.named("steward-doctor-member"));
        try {
            List<Future<Observation>> pending = new ArrayList<>();
            for (Member member : members) {
                Target target = group.member(member);
                pending.add(pool.submit(() -> observe(target)));
            }
            List<GroupMember> observed = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                try {
                    observed.add(GroupMember.read(members.get(i), pending.get(i).get()));
                } catch (ExecutionException failed) {
                    if (!(failed.getCause() instanceof DoctorException unreadable)) {
                        throw new IllegalStateException(failed.getCause());
                    }
                    observed.add(GroupMember.unreadable(members.get(i), unreadable.getMessage()));
                }
            }
            return observed;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two polls through the collector, the doctor's own reads on the first. */
    private Observation observe(Target target) throws DoctorException, InterruptedException {
        try (TargetPoller poller = new TargetPoller(target, connector, clock, PollOptions.doctor())) {
            return doctor.observe(poller::poll, sample);
        }
    }

    /** When the examination began: the earliest first poll. */
    private static Instant startOf(List<Observation> observations) {
        return observations.stream()
                .map(o -> o.earlier().orElse(o.latest()).time())
                .min(Comparator.naturalOrder())
                .orElseThrow();
    }
}
