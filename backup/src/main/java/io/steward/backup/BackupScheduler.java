package io.steward.backup;

import io.steward.collector.Target;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each target's backups on its Quartz cron schedule inside {@code steward serve}, then prunes that target.
 *
 * <ul>
 *   <li>Jobs live in memory (RAMJobStore). A job never runs twice at once ({@link DisallowConcurrentExecution});
 *       the runner's per-server lock also keeps a manual {@code backup run} from overlapping.
 *   <li>Misfires (the agent paused, or a backup ran past the next fire time) fire once, then the schedule goes
 *       on: one catch-up, never a burst.
 *   <li>Downtime: at start, a target whose newest backup is older than the last time its schedule should have
 *       fired gets one catch-up backup at once.
 * </ul>
 */
public final class BackupScheduler implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BackupScheduler.class);

    /** A target with its cron expression and how it is backed up. */
    public record Scheduled(Target target, String cron, BackupOptions options) {}

    private final Scheduler scheduler;
    private final Map<String, Scheduled> jobs;

    /** @param prune applied to a target after each of its scheduled backups, when retention is configured */
    public BackupScheduler(
            List<Scheduled> scheduled,
            BackupRunner runner,
            BackupCatalog catalog,
            Optional<Pruner> prune,
            Clock clock) {
        this.jobs = scheduled.stream().collect(Collectors.toMap(s -> s.target().name(), Function.identity()));
        try {
            this.scheduler = new StdSchedulerFactory(properties(scheduled.size())).getScheduler();
            scheduler.setJobFactory((bundle, ignored) ->
                    new BackupJob(jobs.get(bundle.getJobDetail().getKey().getName()), runner, prune));
            for (Scheduled entry : scheduled) {
                JobDetail job = JobBuilder.newJob(BackupJob.class)
                        .withIdentity(entry.target().name(), "backup")
                        .build();
                Trigger trigger = TriggerBuilder.newTrigger()
                        .withIdentity(entry.target().name(), "backup")
                        .withSchedule(CronScheduleBuilder.cronSchedule(entry.cron())
                                .withMisfireHandlingInstructionFireAndProceed())
                        .build();
                scheduler.scheduleJob(job, trigger);
            }
        } catch (SchedulerException failure) {
            throw new IllegalStateException("cannot set up the backup schedule: " + failure.getMessage(), failure);
        }
        catchUp(catalog, clock);
    }

    /**
     * The longest gap between the next firings of a cron expression (a schedule like "hourly on weekdays" has gaps
     * of different length; the longest is the one a "backup missing" alert must allow for).
     */
    public static Duration longestInterval(String cron, Instant from) {
        try {
            CronExpression expression = new CronExpression(cron);
            Date previous = expression.getNextValidTimeAfter(Date.from(from));
            Duration longest = Duration.ZERO;
            for (int i = 0; i < 50 && previous != null; i++) {
                Date next = expression.getNextValidTimeAfter(previous);
                if (next == null) {
                    break;
                }
                Duration gap = Duration.between(previous.toInstant(), next.toInstant());
                longest = gap.compareTo(longest) > 0 ? gap : longest;
                previous = next;
            }
            return longest;
        } catch (ParseException invalid) {
            throw new IllegalArgumentException("not a cron expression: " + cron, invalid);
        }
    }

    /** Checks a Quartz cron expression; the message says what is wrong. */
    public static Optional<String> problemWith(String cron) {
        try {
            CronExpression.validateExpression(cron);
            return Optional.empty();
        } catch (ParseException invalid) {
            return Optional.of(invalid.getMessage());
        }
    }

    public void start() {
        try {
            scheduler.start();
            for (Scheduled entry : jobs.values()) {
                logger.info(
                        "backups of {} scheduled by '{}', next at {}",
                        entry.target(),
                        entry.cron(),
                        scheduler
                                .getTrigger(org.quartz.TriggerKey.triggerKey(
                                        entry.target().name(), "backup"))
                                .getNextFireTime()
                                .toInstant());
            }
        } catch (SchedulerException failure) {
            throw new IllegalStateException("cannot start the backup scheduler: " + failure.getMessage(), failure);
        }
    }

    /** One backup now for each target whose schedule fired while the agent was not running. */
    private void catchUp(BackupCatalog catalog, Clock clock) {
        Date now = Date.from(clock.instant());
        for (Scheduled entry : jobs.values()) {
            try {
                Optional<Manifest> newest = catalog
                        .list(Optional.of(entry.target().name()))
                        .stream()
                        .findFirst();
                if (newest.isEmpty()) {
                    continue;
                }
                Date missed = new CronExpression(entry.cron())
                        .getTimeAfter(Date.from(newest.get().started()));
                if (missed != null && missed.before(now)) {
                    logger.info(
                            "the backup of {} due at {} was missed; taking it now", entry.target(), missed.toInstant());
                    scheduler.triggerJob(JobKey.jobKey(entry.target().name(), "backup"));
                }
            } catch (BackupException | ParseException | SchedulerException failure) {
                logger.warn("cannot tell whether a backup of {} was missed: {}", entry.target(), failure.getMessage());
            }
        }
    }

    private static Properties properties(int jobs) {
        Properties properties = new Properties();
        // Quartz keeps schedulers in a process-wide registry by name: each agent gets its own.
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "steward-backup-" + UUID.randomUUID());
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(1, Math.min(jobs, 4))));
        properties.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        properties.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        return properties;
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException failure) {
            logger.warn("backup scheduler did not stop cleanly: {}", failure.getMessage());
        }
    }

    /** One scheduled backup of one target, then its prune. Failures are counted by the runner and logged here. */
    @DisallowConcurrentExecution
    static final class BackupJob implements Job {
        private final Scheduled scheduled;
        private final BackupRunner runner;
        private final Optional<Pruner> prune;

        BackupJob(Scheduled scheduled, BackupRunner runner, Optional<Pruner> prune) {
            this.scheduled = scheduled;
            this.runner = runner;
            this.prune = prune;
        }

        @Override
        public void execute(JobExecutionContext context) {
            Target target = scheduled.target();
            try {
                runner.run(target, scheduled.options(), Progress.NONE);
            } catch (BackupException failure) {
                logger.warn(
                        "scheduled backup of {} failed ({}): {}",
                        target,
                        failure.reason().label(),
                        failure.getMessage());
                return;
            }
            prune.ifPresent(pruner -> {
                try {
                    pruner.execute(pruner.plan(Optional.of(target.name())));
                } catch (BackupException failure) {
                    logger.warn("pruning the backups of {} failed: {}", target, failure.getMessage());
                }
            });
        }
    }
}
