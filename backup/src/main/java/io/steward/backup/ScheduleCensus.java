package io.steward.backup;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the agents sharing a schedule once a check-in interval ({@code steward_scheduler_members}), and so notices
 * the database going away and coming back: said once each way in the log, and as {@code steward_scheduler_up}.
 */
final class ScheduleCensus implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ScheduleCensus.class);

    private final ScheduleDatabase database;
    private final String scheduleName;
    private final SchedulerMetrics metrics;
    private final ScheduledExecutorService timer;
    private String lastProblem = "";

    ScheduleCensus(ScheduleDatabase database, String scheduleName, SchedulerMetrics metrics) {
        this.database = database;
        this.scheduleName = scheduleName;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steward-schedule-census");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        long every = database.store().checkinInterval().toMillis();
        timer.scheduleWithFixedDelay(this::count, 0, every, TimeUnit.MILLISECONDS);
    }

    private void count() {
        Duration checkin = database.store().checkinInterval();
        try {
            // A member checks in every interval; one silent for two is about to be taken for dead.
            metrics.members(database.members(scheduleName, checkin.multipliedBy(2)));
            metrics.up(true);
            if (!lastProblem.isEmpty()) {
                logger.info(
                        "the schedule database {} answers again",
                        database.store().where());
                lastProblem = "";
            }
        } catch (ScheduleDatabaseException failure) {
            metrics.up(false);
            if (!failure.getMessage().equals(lastProblem)) {
                logger.warn("{}; scheduled backups and drills wait until it is back", failure.getMessage());
                lastProblem = failure.getMessage();
            }
        } catch (RuntimeException unexpected) {
            logger.warn("cannot count the agents sharing the schedule: {}", unexpected.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
