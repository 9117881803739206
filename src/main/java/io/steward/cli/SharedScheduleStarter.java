package io.steward.cli;

import io.steward.backup.BackupScheduler;
import io.steward.backup.ScheduleDatabaseException;
import io.steward.backup.ScheduleStore;
import io.steward.backup.SchedulerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up a scheduler, and when its database cannot be used yet (down, refusing the login, holding tables of
 * another program) says why and tries again in the background, waiting longer each time up to a minute, while the
 * agent goes on polling.
 */
final class SharedScheduleStarter implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(SharedScheduleStarter.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

    private final Supplier<BackupScheduler> create;
    private final BiConsumer<BackupScheduler, List<BackupScheduler.Work>> afterScheduled;
    private final SchedulerMetrics metrics;
    private final ScheduledExecutorService retries;
    private BackupScheduler scheduler;
    private boolean closed;
    private String lastProblem = "";
    private Duration wait = FIRST_RETRY;

    private SharedScheduleStarter(
            Supplier<BackupScheduler> create,
            BiConsumer<BackupScheduler, List<BackupScheduler.Work>> afterScheduled,
            SchedulerMetrics metrics) {
        this.create = create;
        this.afterScheduled = afterScheduled;
        this.metrics = metrics;
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steward-schedule-start");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A scheduler running already. */
    static SharedScheduleStarter started(BackupScheduler scheduler) {
        SharedScheduleStarter starter = new SharedScheduleStarter(() -> scheduler, (ignored, none) -> {}, null);
        starter.scheduler = scheduler;
        return starter;
    }

    /** Tries now, and until it works. */
    static SharedScheduleStarter start(
            Supplier<BackupScheduler> create,
            BiConsumer<BackupScheduler, List<BackupScheduler.Work>> afterScheduled,
            SchedulerMetrics metrics,
            ScheduleStore.Jdbc store) {
        SharedScheduleStarter starter = new SharedScheduleStarter(create, afterScheduled, metrics);
        logger.info("backups and drills are scheduled in {} (table prefix {})", store.where(), store.tablePrefix());
        starter.attempt();
        return starter;
    }

    private synchronized void attempt() {
        if (closed || scheduler != null) {
            return;
        }
        BackupScheduler created = null;
        try {
            created = create.get();
            afterScheduled.accept(created, created.schedule());
            created.start();
            scheduler = created;
            if (!lastProblem.isEmpty()) {
                logger.info("the shared schedule runs now");
            }
            retries.shutdown();
        } catch (ScheduleDatabaseException unusable) {
            if (created != null) {
                created.close();
            }
            metrics.up(false);
            if (!unusable.getMessage().equals(lastProblem)) {
                logger.warn(
                        "{}; the agent goes on polling, and tries the schedule again (every {} s at most)",
                        unusable.getMessage(),
                        ScheduledBackups.MOST_PATIENT_RETRY.toSeconds());
                lastProblem = unusable.getMessage();
            }
            retries.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
            wait = wait.multipliedBy(2).compareTo(ScheduledBackups.MOST_PATIENT_RETRY) > 0
                    ? ScheduledBackups.MOST_PATIENT_RETRY
                    : wait.multipliedBy(2);
        }
    }

    /** Stops trying, and stops the scheduler once its running jobs end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        retries.shutdownNow();
        BackupScheduler running;
        synchronized (this) {
            running = scheduler;
        }
        if (running != null) {
            running.close();
        }
    }
}
