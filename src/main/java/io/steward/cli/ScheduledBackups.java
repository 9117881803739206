package io.steward.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupException;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupRunner;
import io.steward.backup.BackupScheduler;
import io.steward.backup.Manifest;
import io.steward.backup.Pruner;
import io.steward.collector.RedisConnector;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backups {@code steward serve} takes on schedule: store, metrics, runner and scheduler, stopped together. */
final class ScheduledBackups implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ScheduledBackups.class);

    private final StoppableStore store;
    private final BackupScheduler scheduler;

    private ScheduledBackups(StoppableStore store, BackupScheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    static ScheduledBackups start(
            BackupSettings settings, RedisConnector connector, MeterRegistry registry, Clock clock) {
        StoppableStore store = new StoppableStore(settings.openStore());
        BackupMetrics metrics = new BackupMetrics(registry);
        BackupCatalog catalog = new BackupCatalog(store);
        for (BackupScheduler.Scheduled scheduled : settings.schedules()) {
            metrics.register(scheduled.target().name());
            metrics.scheduled(
                    scheduled.target().name(), BackupScheduler.longestInterval(scheduled.cron(), clock.instant()));
            try {
                // After a restart the metrics start from the newest backup already stored, not from "never".
                Optional<Manifest> newest = catalog
                        .list(Optional.of(scheduled.target().name()))
                        .stream()
                        .findFirst();
                newest.ifPresent(metrics::restoreFrom);
            } catch (BackupException unreachable) {
                logger.warn(
                        "cannot read the backups of {} in {}: {}",
                        scheduled.target(),
                        store.location(),
                        unreachable.getMessage());
            }
        }
        BackupRunner runner = new BackupRunner(
                connector::openSaveControl,
                GroupSurveys.polledBy(connector, clock),
                store,
                settings.compression(),
                metrics,
                clock,
                Path.of(System.getProperty("java.io.tmpdir")),
                BuildInfo.version());
        Optional<Pruner> pruner = settings.retention().map(policy -> new Pruner(store, policy, clock));
        BackupScheduler scheduler = new BackupScheduler(settings.schedules(), runner, catalog, pruner, clock);
        scheduler.start();
        return new ScheduledBackups(store, scheduler);
    }

    /** Aborts the backup being written, if any, and lets no other begin: the agent is stopping. */
    void abort() {
        store.stop();
    }

    /** Waits for a running backup to end (after {@link #abort}, at once) and closes the store. */
    @Override
    public void close() {
        scheduler.close();
        store.close();
    }
}
