package io.steward.backup;

import io.steward.collector.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.TriggerListenerSupport;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each target's scheduled work (backups, restore drills) on its Quartz cron schedule inside {@code steward serve}.
 *
 * <ul>
 *   <li>In memory (RAMJobStore) each agent keeps its own schedule. Shared ({@link ScheduleStore.Jdbc}), the agents
 *       using one database run Quartz's clustered JDBC job store: each fire runs on exactly one of them, and a job
 *       that was running on an agent that died is run again by another ({@code requestsRecovery}).
 *   <li>A job never runs twice at once ({@link DisallowConcurrentExecution}, across agents too); the backup lock also
 *       keeps a manual {@code backup run} from overlapping.
 *   <li>Misfires (every agent down, or a job that ran past its next fire time) fire once, then the schedule goes on:
 *       one catch-up, never a burst, and never one per agent.
 * </ul>
 */
public final class BackupScheduler implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BackupScheduler.class);

    /** The Quartz scheduler name every agent sharing a schedule uses: the table prefix tells deployments apart. */
    private static final String SHARED_NAME = "redis-steward";

    public static final String BACKUP = "backup";
    public static final String DRILL = "drill";

    /** A target with its cron expression and how it is backed up. */
    public record Scheduled(Target target, String cron, BackupOptions options) {}

    /**
     * One fire of a schedule, as the agent that runs it sees it.
     *
     * @param due when the schedule was due
     * @param agent the id of the agent running it
     * @param recovered whether it is run again because the agent that ran it stopped
     */
    public record Fire(Instant due, String agent, boolean recovered) {
        /** As a backup's manifest records it. */
        public Manifest.Scheduled manifestEntry() {
            return new Manifest.Scheduled(due.toString(), agent, recovered);
        }
    }

    /**
     * One kind of scheduled work for one target.
     *
     * @param kind {@link #BACKUP} or {@link #DRILL}: the job's group
     * @param action what to do for a fire; it reports its own failures
     */
    public record Work(String kind, String target, String cron, Consumer<Fire> action) {
        JobKey key() {
            return JobKey.jobKey(target, kind);
        }

        TriggerKey triggerKey() {
            return TriggerKey.triggerKey(target, kind);
        }
    }

    private final Scheduler scheduler;
    private final Map<JobKey, Work> work;
    private final SchedulerMetrics metrics;
    private final Optional<ScheduleDatabase> database;
    private final Optional<ScheduleCensus> census;

    private BackupScheduler(
            List<Work> work, Properties properties, Optional<ScheduleDatabase> database, SchedulerMetrics metrics) {
        this.work = work.stream().collect(Collectors.toMap(Work::key, Function.identity()));
        this.metrics = metrics;
        this.database = database;
        try {
            this.scheduler = new StdSchedulerFactory(properties).getScheduler();
            // Quartz keeps schedulers in a process-wide registry by name, and agents sharing a schedule share a name:
            // each agent keeps its own scheduler to itself.
            SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
            scheduler.setJobFactory((bundle, ignored) ->
                    new ScheduledJob(this.work.get(bundle.getJobDetail().getKey()), metrics));
            scheduler.getListenerManager().addTriggerListener(new Misfires(metrics));
        } catch (SchedulerException failure) {
            throw new IllegalStateException("cannot set up the scheduler: " + failure.getMessage(), failure);
        }
        this.census = database.map(shared -> new ScheduleCensus(shared, SHARED_NAME, metrics));
        work.forEach(each -> metrics.register(each.kind(), each.target()));
    }

    /** This agent's own schedule. */
    public static BackupScheduler inMemory(List<Work> work, SchedulerMetrics metrics) {
        Properties properties = common(work.size());
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "steward-" + UUID.randomUUID());
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return new BackupScheduler(work, properties, Optional.empty(), metrics);
    }

    /**
     * A schedule shared through the database: its tables are created when missing, and checked.
     *
     * @param instance this agent's id among those sharing the schedule, unique to this process
     * @throws ScheduleDatabaseException when the database cannot be used now
     */
    public static BackupScheduler shared(
            List<Work> work, ScheduleDatabase database, String instance, SchedulerMetrics metrics) {
        database.prepareSchema();
        ScheduleStore.Jdbc store = database.store();
        String source = "steward-schedule-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(source, new PooledConnections(database));
        Properties properties = common(work.size());
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, SHARED_NAME);
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, instance);
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty(
                "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", source);
        properties.setProperty("org.quartz.jobStore.tablePrefix", store.tablePrefix());
        properties.setProperty("org.quartz.jobStore.isClustered", "true");
        properties.setProperty(
                "org.quartz.jobStore.clusterCheckinInterval",
                String.valueOf(store.checkinInterval().toMillis()));
        properties.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        properties.setProperty("org.quartz.jobStore.dbRetryInterval", "5000");
        return new BackupScheduler(work, properties, Optional.of(database), metrics);
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

    /**
     * Puts every job on the schedule: in a shared schedule, a job already there with the same cron is left as it is
     * (its next fire and any misfire stay the agents' shared state), one with another cron is rescheduled, and jobs
     * of targets no longer configured are removed: the shared schedule follows the config of the agent started last.
     *
     * @return the work whose trigger this call created, new to the schedule
     * @throws ScheduleDatabaseException when a shared schedule's database cannot be used now
     */
    public List<Work> schedule() {
        List<Work> created = new ArrayList<>();
        try {
            for (Work each : work.values()) {
                if (put(each, scheduler.getTrigger(each.triggerKey()))) {
                    created.add(each);
                }
            }
            for (String kind : List.of(BACKUP, DRILL)) {
                for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(kind))) {
                    if (!work.containsKey(key)) {
                        logger.info("{} of {}: no longer configured, taken off the schedule", kind, key.getName());
                        scheduler.deleteJob(key);
                    }
                }
            }
        } catch (SchedulerException failure) {
            throw unusable(failure);
        }
        return created;
    }

    /**
     * Puts one job on the schedule, given the trigger this agent saw there ({@code null}: none).
     *
     * <p>A new trigger never replaces one: agents started together each see none, and a trigger put in place of one
     * that has just fired is due at that same fire again (a cron trigger's first fire is the one at or after its
     * start, a second back), so the fire would be backed up twice. The agent that finds another's trigger there
     * first keeps it.
     *
     * @return whether this call created the job's trigger
     */
    boolean put(Work each, Trigger seen) throws SchedulerException {
        if (seen instanceof CronTrigger cron && cron.getCronExpression().equals(each.cron())) {
            return false;
        }
        JobDetail job = JobBuilder.newJob(ScheduledJob.class)
                .withIdentity(each.key())
                .requestRecovery(true)
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(each.triggerKey())
                .forJob(job)
                .withSchedule(
                        CronScheduleBuilder.cronSchedule(each.cron()).withMisfireHandlingInstructionFireAndProceed())
                .build();
        if (seen != null) {
            scheduler.scheduleJob(job, Set.of(trigger), true);
            logger.info("{} of {}: schedule changed to '{}'", each.kind(), each.target(), each.cron());
            return false;
        }
        try {
            scheduler.scheduleJob(job, Set.of(trigger), false);
            return true;
        } catch (ObjectAlreadyExistsException another) {
            Trigger theirs = scheduler.getTrigger(each.triggerKey());
            if (theirs == null) {
                // The job is there without its trigger: nothing of it can fire, so it is put in anew.
                scheduler.scheduleJob(job, Set.of(trigger), true);
                return true;
            }
            logger.debug("{} of {}: put on the schedule by another agent meanwhile", each.kind(), each.target());
            return put(each, theirs);
        }
    }

    /** Starts running the schedule; in a shared one, also counts the agents that share it, now and then. */
    public void start() {
        try {
            scheduler.start();
            for (Work each : work.values()) {
                Trigger trigger = scheduler.getTrigger(each.triggerKey());
                logger.info(
                        "{} of {} scheduled by '{}', next at {}",
                        each.kind(),
                        each.target(),
                        each.cron(),
                        trigger == null || trigger.getNextFireTime() == null
                                ? "?"
                                : trigger.getNextFireTime().toInstant());
            }
        } catch (SchedulerException failure) {
            throw unusable(failure);
        }
        metrics.up(true);
        metrics.members(1);
        census.ifPresent(ScheduleCensus::start);
    }

    /** Runs the work once now, on whichever agent sharing the schedule takes it: a catch-up after downtime. */
    public void fireNow(Work each) {
        try {
            scheduler.triggerJob(each.key());
        } catch (SchedulerException failure) {
            logger.warn("cannot run the missed {} of {} now: {}", each.kind(), each.target(), failure.getMessage());
        }
    }

    private RuntimeException unusable(SchedulerException failure) {
        if (database.isPresent()) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql) {
                    return database.get().failure(sql);
                }
            }
            return new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.UNREACHABLE,
                    "the shared schedule in " + database.get().store().where() + " cannot be used: "
                            + failure.getMessage());
        }
        return new IllegalStateException("the scheduler failed: " + failure.getMessage(), failure);
    }

    private static Properties common(int jobs) {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads(jobs)));
        properties.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        properties.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        return properties;
    }

    /** Quartz's worker threads: one per job up to four. */
    public static int threads(int jobs) {
        return Math.max(1, Math.min(jobs, 4));
    }

    @Override
    public void close() {
        census.ifPresent(ScheduleCensus::close);
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException failure) {
            logger.warn("scheduler did not stop cleanly: {}", failure.getMessage());
        }
    }

    /**
     * One scheduled run of one target's work. The class is named in a shared schedule's tables; the work itself comes
     * from this agent's config, by the job's key.
     */
    @DisallowConcurrentExecution
    static final class ScheduledJob implements Job {
        private final Work work;
        private final SchedulerMetrics metrics;

        ScheduledJob(Work work, SchedulerMetrics metrics) {
            this.work = work;
            this.metrics = metrics;
        }

        @Override
        public void execute(JobExecutionContext context) {
            JobKey key = context.getJobDetail().getKey();
            if (work == null) {
                logger.warn(
                        "the schedule holds {} of {}, which this agent's config does not: give every agent sharing"
                                + " the schedule the same config",
                        key.getGroup(),
                        key.getName());
                return;
            }
            if (context.isRecovering()) {
                logger.info(
                        "{} of {}: taken over from an agent that stopped while running it", work.kind(), work.target());
            }
            metrics.ran(work.kind(), work.target(), context.isRecovering());
            Instant due = context.getScheduledFireTime().toInstant();
            String original = context.getMergedJobDataMap()
                    .getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
            if (context.isRecovering() && original != null) {
                // A recovery runs under a trigger of its own: the fire it makes up for is the one that failed.
                due = Instant.ofEpochMilli(Long.parseLong(original));
            }
            String agent;
            try {
                agent = context.getScheduler().getSchedulerInstanceId();
            } catch (SchedulerException unnamed) {
                agent = "";
            }
            work.action().accept(new Fire(due, agent, context.isRecovering()));
        }
    }

    /** Counts the fires a scheduler found missed, on whichever agent found them. */
    private static final class Misfires extends TriggerListenerSupport {
        private final SchedulerMetrics metrics;

        Misfires(SchedulerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public String getName() {
            return "steward-misfires";
        }

        @Override
        public void triggerMisfired(Trigger trigger) {
            TriggerKey key = trigger.getKey();
            logger.info(
                    "{} of {} missed its fire at {}; caught up once",
                    key.getGroup(),
                    key.getName(),
                    trigger.getPreviousFireTime());
            metrics.misfired(key.getGroup(), key.getName());
        }
    }

    /** Quartz's job store takes its connections from the agent's pool. */
    private record PooledConnections(ScheduleDatabase database) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return database.pool().getConnection();
        }

        @Override
        public void shutdown() {
            // the pool is the agent's, closed with the scheduler's database
        }

        @Override
        public void initialize() {
            // nothing to set up: the pool exists already
        }
    }
}
