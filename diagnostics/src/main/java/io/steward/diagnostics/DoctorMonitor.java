package io.steward.diagnostics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.steward.collector.DaemonThreads;
import io.steward.collector.GroupState;
import io.steward.collector.Member;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor inside {@code steward serve}: it runs the rules on the collector's snapshots, at most once per
 * interval per target, with rates measured between the snapshot of the previous diagnosis and the latest one.
 * Each current finding is a {@code steward_doctor_finding{target,rule,severity}} series of value 1; a finding
 * that goes away, or a target that goes down, removes its series. It opens no connection of its own: what it
 * reads beyond a poll comes with the snapshots ({@link Snapshot#inspection()}).
 *
 * <p>A group's members are diagnosed each on its own ({@code target=<group>,node=<host:port>}); once every member
 * its topology names has been diagnosed (or is down), the group's rules run over their latest observations, at
 * most once per interval, and their findings are series of the group, without a node label.
 */
public final class DoctorMonitor implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DoctorMonitor.class);

    /**
     * How often the agent's pollers make the doctor's own reads ({@code CLIENT LIST}, {@code LATENCY DOCTOR},
     * {@code SLOWLOG GET 128}, ...): they cost Redis far more than a poll, {@code CLIENT LIST} in proportion to the
     * clients, so they are refreshed at most this often, while the rules over INFO run every interval. The agent
     * hands it to {@code PollOptions.inspectingEvery}.
     */
    public static final Duration INSPECTION_INTERVAL = Duration.ofMinutes(15);

    private final Duration interval;
    private final Diagnosis diagnosis;
    private final MemoryLimits memoryLimits;
    private final MeterRegistry registry;
    private final Supplier<List<GroupState>> groups;
    private final GroupDiagnosis groupDiagnosis;
    private final Map<String, TargetDoctor> doctors = new HashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("steward-doctor"));

    /** @param memoryLimits the cgroup memory limit of a server beside the agent, handed to the rules as data */
    public DoctorMonitor(
            List<Target> targets,
            MeterRegistry registry,
            Duration interval,
            Diagnosis diagnosis,
            MemoryLimits memoryLimits) {
        this(targets, registry, interval, diagnosis, memoryLimits, List::of, new GroupDiagnosis(List.of(), diagnosis));
    }

    /**
     * @param groups what the collector knows of each group now: its topology names the members to wait for
     * @param groupDiagnosis the group rules (its member rules are not used: members are diagnosed by {@code
     *     diagnosis} as they are polled)
     */
    public DoctorMonitor(
            List<Target> targets,
            MeterRegistry registry,
            Duration interval,
            Diagnosis diagnosis,
            MemoryLimits memoryLimits,
            Supplier<List<GroupState>> groups,
            GroupDiagnosis groupDiagnosis) {
        this.interval = interval;
        this.diagnosis = diagnosis;
        this.groups = groups;
        this.groupDiagnosis = groupDiagnosis;
        this.memoryLimits = memoryLimits;
        this.registry = registry;
        for (Target target : targets) {
            // A group's members are diagnosed as they are found; the group itself once they all have been.
            doctorOf(target);
        }
    }

    private TargetDoctor doctorOf(Target target) {
        synchronized (doctors) {
            return doctors.computeIfAbsent(target.key(), key -> {
                TargetDoctor doctor = new TargetDoctor();
                doctor.lastRun = Gauge.builder(
                                "steward.doctor.last.run.timestamp", doctor.lastRunSeconds, AtomicReference::get)
                        .description("Unix time of the doctor's last diagnosis of the target")
                        .baseUnit("seconds")
                        .tags(tags(target))
                        .strongReference(true)
                        .register(registry);
                return doctor;
            });
        }
    }

    private static Tags tags(Target target) {
        return target.isMember()
                ? Tags.of("target", target.name(), "node", target.node())
                : Tags.of("target", target.name());
    }

    /** Takes every poll result (a collector listener); the diagnosis itself runs on the doctor's own thread. */
    public void accept(PollResult result) {
        if (!result.target().isMember() && !doctors.containsKey(result.target().key())) {
            return;
        }
        TargetDoctor doctor = doctorOf(result.target());
        if (result instanceof PollResult.Failed failed) {
            doctor.forget();
            executor.execute(() -> withdraw(doctor, failed.message()));
            return;
        }
        Snapshot latest = ((PollResult.Polled) result).snapshot();
        Optional<Snapshot> earlier = doctor.due(latest, interval);
        earlier.ifPresent(first -> executor.execute(() -> diagnose(doctor, first, latest)));
    }

    /** Drops a member that left its group: its findings and its last-run series go. */
    public void forget(Target member) {
        TargetDoctor doctor;
        synchronized (doctors) {
            doctor = doctors.remove(member.key());
        }
        if (doctor != null) {
            executor.execute(() -> {
                doctor.gauges.values().forEach(registry::remove);
                doctor.gauges.clear();
                registry.remove(doctor.lastRun);
            });
        }
    }

    /** The target's state, by name (a group's member: {@code group/host:port}); empty for one not watched. */
    public Optional<DoctorStatus> status(String target) {
        synchronized (doctors) {
            return Optional.ofNullable(doctors.get(target)).map(doctor -> doctor.status);
        }
    }

    private void diagnose(TargetDoctor doctor, Snapshot earlier, Snapshot latest) {
        try {
            Observation observation = Observation.of(earlier, latest).limitedBy(memoryLimits);
            Report report = diagnosis.examine(observation, latest.time());
            publish(doctor, latest.target(), report.findings());
            // Only a group's rules read it again; a target of its own keeps no more than its baseline.
            if (latest.target().isMember()) {
                doctor.observation = observation;
            }
            doctor.status = new DoctorStatus.Diagnosed(report);
            doctor.lastRunSeconds.set(latest.time().toEpochMilli() / 1e3);
        } catch (RuntimeException bug) {
            logger.warn("diagnosing {} failed", latest.target(), bug);
        }
        if (latest.target().isMember()) {
            diagnoseGroup(latest.target().name(), latest.time());
        }
    }

    /** The group's rules, when due and every member its topology names has been diagnosed or is down. */
    private void diagnoseGroup(String name, Instant now) {
        Optional<GroupState> state =
                groups.get().stream().filter(g -> g.group().name().equals(name)).findFirst();
        TargetDoctor doctor;
        synchronized (doctors) {
            doctor = doctors.get(name);
        }
        if (state.isEmpty() || state.get().topology().isEmpty() || doctor == null || !doctor.groupDue(now, interval)) {
            return;
        }
        List<GroupMember> members = new ArrayList<>();
        for (Member member : state.get().topology().get().members()) {
            TargetDoctor of;
            synchronized (doctors) {
                of = doctors.get(name + "/" + member.node());
            }
            DoctorStatus status = of == null ? new DoctorStatus.Pending() : of.status;
            if (status instanceof DoctorStatus.Down down) {
                members.add(GroupMember.unreadable(member, down.message()));
            } else if (status instanceof DoctorStatus.Diagnosed && of.observation != null) {
                members.add(GroupMember.read(member, of.observation));
            } else {
                return; // a member not diagnosed yet: the group waits for it
            }
        }
        try {
            GroupReport report = groupDiagnosis.examine(GroupObservation.of(state.get(), members), now);
            publish(doctor, state.get().group(), report.findings());
            doctor.status = new DoctorStatus.GroupDiagnosed(report);
            doctor.lastRunSeconds.set(now.toEpochMilli() / 1e3);
            doctor.groupDiagnosed(now);
        } catch (RuntimeException bug) {
            logger.warn("diagnosing group {} failed", name, bug);
        }
    }

    private void publish(TargetDoctor doctor, Target target, List<Finding> findings) {
        Map<String, Severity> current = new HashMap<>();
        findings.forEach(f -> current.put(f.id(), f.severity()));
        doctor.gauges.entrySet().removeIf(entry -> {
            boolean gone = current.get(entry.getKey()) != severityOf(entry.getValue());
            if (gone) {
                registry.remove(entry.getValue());
            }
            return gone;
        });
        current.forEach((rule, severity) -> doctor.gauges.computeIfAbsent(
                rule,
                r -> Gauge.builder("steward.doctor.finding", () -> 1)
                        .description("A finding of the doctor: 1 while the rule fires on the target")
                        .tags(tags(target).and("rule", rule, "severity", severity.label()))
                        .strongReference(true)
                        .register(registry)));
    }

    private void withdraw(TargetDoctor doctor, String message) {
        doctor.gauges.values().forEach(registry::remove);
        doctor.gauges.clear();
        doctor.observation = null;
        doctor.status = new DoctorStatus.Down(message);
    }

    private static Severity severityOf(Gauge gauge) {
        return Severity.parse(gauge.getId().getTag("severity"));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One target's doctor state. Gauges and status change on the doctor's thread only. */
    private static final class TargetDoctor {
        final Map<String, Gauge> gauges = new HashMap<>();
        final AtomicReference<Double> lastRunSeconds = new AtomicReference<>(Double.NaN);
        Gauge lastRun;
        volatile DoctorStatus status = new DoctorStatus.Pending();
        /** A group member's latest observation, which its group's rules read; null for a target of its own. */
        volatile Observation observation;

        private Snapshot baseline;
        private Instant lastDiagnosis;

        /** Whether a group's rules are due: never run, or last run an interval ago. */
        synchronized boolean groupDue(Instant now, Duration interval) {
            return lastDiagnosis == null || Duration.between(lastDiagnosis, now).compareTo(interval) >= 0;
        }

        synchronized void groupDiagnosed(Instant now) {
            lastDiagnosis = now;
        }

        /** The snapshot to measure rates from, when a diagnosis is due: at the second poll, then once per interval. */
        synchronized Optional<Snapshot> due(Snapshot latest, Duration interval) {
            if (baseline == null) {
                baseline = latest;
                return Optional.empty();
            }
            if (lastDiagnosis != null
                    && Duration.between(lastDiagnosis, latest.time()).compareTo(interval) < 0) {
                return Optional.empty();
            }
            Snapshot earlier = baseline;
            baseline = latest;
            lastDiagnosis = latest.time();
            return Optional.of(earlier);
        }

        synchronized void forget() {
            baseline = null;
            lastDiagnosis = null;
        }
    }
}
