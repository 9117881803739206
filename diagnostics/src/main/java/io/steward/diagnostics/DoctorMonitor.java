package io.steward.diagnostics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.steward.collector.DaemonThreads;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor inside {@code steward serve}: it runs the rules on the collector's snapshots, at most once per
 * interval per target, with rates measured between the snapshot of the previous diagnosis and the latest one.
 * Each current finding is a {@code steward_doctor_finding{target,rule,severity}} series of value 1; a finding
 * that goes away, or a target that goes down, removes its series. It opens no connection of its own: what it
 * reads beyond a poll comes with the snapshots ({@link Snapshot#inspection()}).
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
    private final Map<String, TargetDoctor> doctors = new HashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("steward-doctor"));

    /** @param memoryLimits the cgroup memory limit of a server beside the agent, handed to the rules as data */
    public DoctorMonitor(
            List<Target> targets,
            MeterRegistry registry,
            Duration interval,
            Diagnosis diagnosis,
            MemoryLimits memoryLimits) {
        this.interval = interval;
        this.diagnosis = diagnosis;
        this.memoryLimits = memoryLimits;
        this.registry = registry;
        for (Target target : targets) {
            if (!target.isGroup()) {
                doctorOf(target); // a group's members are diagnosed as they are found
            }
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
            Report report = diagnosis.examine(Observation.of(earlier, latest).limitedBy(memoryLimits), latest.time());
            publish(doctor, latest.target(), report);
            doctor.status = new DoctorStatus.Diagnosed(report);
            doctor.lastRunSeconds.set(latest.time().toEpochMilli() / 1e3);
        } catch (RuntimeException bug) {
            logger.warn("diagnosing {} failed", latest.target(), bug);
        }
    }

    private void publish(TargetDoctor doctor, Target target, Report report) {
        Map<String, Severity> current = new HashMap<>();
        report.findings().forEach(f -> current.put(f.id(), f.severity()));
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
        private Snapshot baseline;
        private Instant lastDiagnosis;

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
