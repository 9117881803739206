package io.steward.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Restore drills per target, for alerting on backups nobody proved restorable:
 * {@code steward_backup_drill_last_success_timestamp_seconds}, {@code _last_duration_seconds} (of the last drill
 * that passed), {@code _schedule_interval_seconds} and {@code steward_backup_drill_failures_total{reason}}, named as
 * {@link BackupMetrics} names the backups' own.
 */
public final class DrillMetrics {

    private final MeterRegistry registry;
    private final Map<String, TargetState> targets = new ConcurrentHashMap<>();

    public DrillMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the target's series (every failure reason at 0) before its first drill: "never" shows as such. */
    public void register(String target) {
        state(target);
    }

    /**
     * Publishes how far apart the target's scheduled drills are, so an alert can call a drill missing when the last
     * success is older than twice that ({@code steward_backup_drill_schedule_interval_seconds}).
     */
    public void scheduled(String target, Duration interval) {
        state(target).interval.set(interval.toNanos() / 1e9);
    }

    /** Registers a configured drill's target with the longest gap of its cron from {@code now}: both of the above. */
    public void scheduled(RestoreDrill.Scheduled drill, Instant now) {
        scheduled(drill.target().name(), BackupScheduler.longestInterval(drill.cron(), now));
    }

    /** Sets the last success from a drill recorded in the store (after the agent starts, or by another agent). */
    public void passedAt(String target, Instant drilled) {
        TargetState state = state(target);
        if (state.lastSuccess.get() < drilled.toEpochMilli() / 1e3) {
            state.lastSuccess.set(drilled.toEpochMilli() / 1e3);
        }
    }

    /** Counts a drill that ended: its success, or its failure by reason. */
    void recorded(DrillResult result, Instant finished) {
        if (result.target() == null) {
            return; // a backup id the store does not hold: no target to count it for
        }
        TargetState state = state(result.target());
        if (result.passed()) {
            state.lastSuccess.set(finished.toEpochMilli() / 1e3);
            state.lastDuration.set(result.took().toNanos() / 1e9);
        } else {
            failures(result.target(), result.reason()).increment();
        }
    }

    private TargetState state(String target) {
        return targets.computeIfAbsent(target, name -> {
            TargetState state = new TargetState();
            Gauge.builder("steward.backup.drill.last.success.timestamp", state.lastSuccess, AtomicReference::get)
                    .description("Unix time when the last restore drill of the target's backups passed")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.drill.last.duration", state.lastDuration, AtomicReference::get)
                    .description("How long the last restore drill of the target that passed took, download to check")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.drill.schedule.interval", state.interval, AtomicReference::get)
                    .description("The longest time between two scheduled restore drills of the target")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            for (DrillFailure reason : DrillFailure.values()) {
                failures(name, reason);
            }
            return state;
        });
    }

    private Counter failures(String target, DrillFailure reason) {
        return Counter.builder("steward.backup.drill.failures")
                .description("Restore drills of the target's backups that failed, by reason")
                .tag("target", target)
                .tag("reason", reason.label())
                .register(registry);
    }

    private static final class TargetState {
        // 0 until a first drill passes: "never" reads as very old, so an alert on its age fires.
        final AtomicReference<Double> lastSuccess = new AtomicReference<>(0.0);
        final AtomicReference<Double> lastDuration = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> interval = new AtomicReference<>(Double.NaN);
    }
}
