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
 * Backup health per target, for alerting on a backup that is missing, slow or failing:
 * {@code steward_backup_last_success_timestamp_seconds}, {@code _last_duration_seconds}, {@code _last_size_bytes}
 * (the RDB's size; of a Cluster's backup set, its shards' together), {@code _in_progress}, {@code _schedule_interval_seconds} and
 * {@code steward_backup_failures_total{reason}}.
 */
public final class BackupMetrics {

    private final MeterRegistry registry;
    private final Map<String, TargetState> targets = new ConcurrentHashMap<>();

    public BackupMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the target's series before its first backup, so "no backup yet" is visible as such. */
    public void register(String target) {
        state(target);
    }

    /**
     * Publishes how far apart the target's scheduled backups are, so an alert can call a backup missing when the
     * last success is older than twice that ({@code steward_backup_schedule_interval_seconds}).
     */
    public void scheduled(String target, Duration interval) {
        state(target).interval.set(interval.toNanos() / 1e9);
    }

    /** Sets the last-success series from a backup found in the store (after the agent restarts). */
    public void restoreFrom(Manifest newest) {
        TargetState state = state(newest.target());
        if (state.lastSuccess.get() == 0) {
            state.succeeded(newest.finished(), Duration.between(newest.started(), newest.finished()), newest.rdbSize());
        }
    }

    void started(String target) {
        state(target).inProgress.set(1.0);
    }

    void succeeded(String target, Instant finished, Duration took, long rdbSize) {
        state(target).succeeded(finished, took, rdbSize);
    }

    /** A backup not started because another of the same server runs: counted, in_progress left as it is. */
    void refused(String target) {
        state(target);
        failures(target, BackupFailure.BUSY).increment();
    }

    void failed(String target, BackupFailure reason) {
        state(target);
        failures(target, reason).increment();
    }

    /** The backup is over, however it ended. */
    void stopped(String target) {
        state(target).inProgress.set(0.0);
    }

    private TargetState state(String target) {
        return targets.computeIfAbsent(target, name -> {
            TargetState state = new TargetState();
            Gauge.builder("steward.backup.last.success.timestamp", state.lastSuccess, AtomicReference::get)
                    .description("Unix time when the last successful backup of the target finished")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.last.duration", state.lastDuration, AtomicReference::get)
                    .description("How long the last successful backup of the target took, BGSAVE to manifest")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.last.size", state.lastSize, AtomicReference::get)
                    .description(
                            "Size of the RDB of the last successful backup of the target; of a Cluster, its shards' together")
                    .baseUnit("bytes")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.schedule.interval", state.interval, AtomicReference::get)
                    .description("The longest time between two scheduled backups of the target")
                    .baseUnit("seconds")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("steward.backup.in.progress", state.inProgress, AtomicReference::get)
                    .description("1 while a backup of the target runs")
                    .tag("target", name)
                    .strongReference(true)
                    .register(registry);
            for (BackupFailure reason : BackupFailure.values()) {
                // Mismatches and restore targets come from verify and restore, which the agent does not run.
                if (reason != BackupFailure.MISMATCH && reason != BackupFailure.RESTORE_TARGET) {
                    failures(name, reason);
                }
            }
            return state;
        });
    }

    private Counter failures(String target, BackupFailure reason) {
        return Counter.builder("steward.backup.failures")
                .description("Backups of the target that failed, by reason")
                .tag("target", target)
                .tag("reason", reason.label())
                .register(registry);
    }

    private static final class TargetState {
        // 0 until a first backup: "never" reads as very old, so an alert on its age fires.
        final AtomicReference<Double> lastSuccess = new AtomicReference<>(0.0);
        final AtomicReference<Double> lastDuration = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> lastSize = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> inProgress = new AtomicReference<>(0.0);
        final AtomicReference<Double> interval = new AtomicReference<>(Double.NaN);

        void succeeded(Instant finished, Duration took, long rdbSize) {
            lastSuccess.set(finished.toEpochMilli() / 1e3);
            lastDuration.set(took.toNanos() / 1e9);
            lastSize.set((double) rdbSize);
        }
    }
}
