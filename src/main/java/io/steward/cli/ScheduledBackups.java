package io.steward.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupException;
import io.steward.backup.BackupLock;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupRunner;
import io.steward.backup.BackupScheduler;
import io.steward.backup.DatabaseBackupLock;
import io.steward.backup.DrillMetrics;
import io.steward.backup.DrillResult;
import io.steward.backup.FileBackupLock;
import io.steward.backup.Manifest;
import io.steward.backup.Progress;
import io.steward.backup.Pruner;
import io.steward.backup.RestoreDrill;
import io.steward.backup.ScheduleDatabase;
import io.steward.backup.ScheduleStore;
import io.steward.backup.SchedulerMetrics;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups (and drills) {@code steward serve} runs on schedule: store, metrics, runner and scheduler, stopped
 * together. A shared schedule whose database cannot be used at start is tried again in the background while the agent
 * goes on polling.
 */
final class ScheduledBackups implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ScheduledBackups.class);

    private final StoppableStore store;
    private final Optional<ScheduleDatabase> database;
    private final SharedScheduleStarter starter;

    private ScheduledBackups(StoppableStore store, Optional<ScheduleDatabase> database, SharedScheduleStarter starter) {
        this.store = store;
        this.database = database;
        this.starter = starter;
    }

    static ScheduledBackups start(
            BackupSettings settings, RedisConnector connector, MeterRegistry registry, Clock clock) {
        StoppableStore store = new StoppableStore(settings.openStore());
        BackupMetrics metrics = new BackupMetrics(registry);
        BackupCatalog catalog = new BackupCatalog(store);
        // What the store holds now, read once per target: the series start from it, not from "never".
        Map<String, List<Manifest>> stored = new HashMap<>();
        settings.schedules()
                .forEach(each ->
                        stored.computeIfAbsent(each.target().name(), name -> stored(catalog, each.target(), store)));
        settings.drills()
                .forEach(each ->
                        stored.computeIfAbsent(each.target().name(), name -> stored(catalog, each.target(), store)));
        for (BackupScheduler.Scheduled scheduled : settings.schedules()) {
            metrics.register(scheduled.target().name());
            metrics.scheduled(
                    scheduled.target().name(), BackupScheduler.longestInterval(scheduled.cron(), clock.instant()));
            stored.get(scheduled.target().name()).stream().findFirst().ifPresent(metrics::restoreFrom);
        }
        Optional<ScheduleDatabase> database = settings.scheduleStore() instanceof ScheduleStore.Jdbc jdbc
                ? Optional.of(ScheduleDatabase.open(
                        jdbc,
                        BackupScheduler.threads(settings.schedules().size()
                                        + settings.drills().size())
                                + 3))
                : Optional.empty();
        BackupLock lock = database.<BackupLock>map(DatabaseBackupLock::new)
                .orElseGet(() -> new FileBackupLock(Path.of(System.getProperty("java.io.tmpdir"))));
        BackupRunner runner = new BackupRunner(
                connector::openSaveControl,
                GroupSurveys.polledBy(connector, clock),
                store,
                settings.compression(),
                settings.keys(),
                metrics,
                clock,
                lock,
                BuildInfo.version());
        Optional<Pruner> pruner = settings.retention().map(policy -> new Pruner(store, policy, clock));
        List<BackupScheduler.Work> work = new ArrayList<>();
        for (BackupScheduler.Scheduled scheduled : settings.schedules()) {
            work.add(new BackupScheduler.Work(
                    BackupScheduler.BACKUP,
                    scheduled.target().name(),
                    scheduled.cron(),
                    fire -> backUpAndPrune(runner, pruner, catalog, scheduled, fire)));
        }
        DrillMetrics drillMetrics = new DrillMetrics(registry);
        RestoreDrill drills = new RestoreDrill(
                store,
                settings.keys(),
                connector::openScratchServer,
                drillMetrics,
                clock,
                Path.of(System.getProperty("java.io.tmpdir")));
        for (RestoreDrill.Scheduled drill : settings.drills()) {
            drillMetrics.scheduled(drill, clock.instant());
            lastPassed(drills, stored.get(drill.target().name()), drill.target(), store)
                    .ifPresent(passed -> drillMetrics.passedAt(drill.target().name(), passed));
            logger.info("restore drills of {} load into {}", drill.target(), drill.how());
            work.add(new BackupScheduler.Work(
                    BackupScheduler.DRILL, drill.target().name(), drill.cron(), fire -> drill(drills, drill)));
        }
        String instance = AgentInstance.id();
        SchedulerMetrics schedulerMetrics =
                new SchedulerMetrics(registry, database.isPresent() ? "jdbc" : "memory", instance);
        if (database.isEmpty()) {
            BackupScheduler scheduler = BackupScheduler.inMemory(work, schedulerMetrics);
            // Scheduled at once: the store read above is still what it holds.
            new CatchUp(target -> stored.get(target).stream().findFirst(), clock)
                    .after(scheduler, scheduler.schedule());
            scheduler.start();
            return new ScheduledBackups(store, database, SharedScheduleStarter.started(scheduler));
        }
        SharedScheduleStarter starter = SharedScheduleStarter.start(
                () -> BackupScheduler.shared(work, database.get(), instance, schedulerMetrics),
                // Maybe long after the start, once the database answers: the store is read again then.
                new CatchUp(target -> catalog.list(Optional.of(target)).stream().findFirst(), clock)::after,
                schedulerMetrics,
                database.get().store());
        return new ScheduledBackups(store, database, starter);
    }

    private static void backUpAndPrune(
            BackupRunner runner,
            Optional<Pruner> prune,
            BackupCatalog catalog,
            BackupScheduler.Scheduled scheduled,
            BackupScheduler.Fire fire) {
        Target target = scheduled.target();
        if (fire.recovered() && takenAlready(catalog, target, fire)) {
            return;
        }
        try {
            runner.run(target, scheduled.options(), Progress.NONE, Optional.of(fire.manifestEntry()));
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

    /**
     * Whether the backup of a recovered fire is in the store already. Agents that lost the database for a while each
     * look dead to the others when it is back, so the job of a fire whose backup finished meanwhile may be recovered
     * all the same: the store says whether it was taken.
     */
    private static boolean takenAlready(BackupCatalog catalog, Target target, BackupScheduler.Fire fire) {
        try {
            Optional<Manifest> taken = catalog.takenFor(target.name(), fire.due());
            taken.ifPresent(backup -> logger.info(
                    "backup of {} for the fire at {}: taken already ({} by {}), not again",
                    target,
                    fire.due(),
                    backup.id(),
                    backup.scheduled().agent()));
            return taken.isPresent();
        } catch (BackupException unreadable) {
            return false; // the backup itself meets the store's trouble and says so
        }
    }

    private static void drill(RestoreDrill drills, RestoreDrill.Scheduled drill) {
        DrillResult result = drills.drill(drill);
        if (result.passed()) {
            logger.info("restore drill of {}: {}", drill.target(), result.message());
        } else {
            logger.warn(
                    "restore drill of {} failed ({}): {}",
                    drill.target(),
                    result.reason().label(),
                    result.message());
        }
    }

    private static Optional<Instant> lastPassed(
            RestoreDrill drills, List<Manifest> backups, Target target, StoppableStore store) {
        try {
            // After a restart the drill series start from the last drill recorded in the store, by any agent.
            return drills.lastPassed(backups);
        } catch (BackupException unreachable) {
            logger.warn("cannot read the drills of {} in {}: {}", target, store.location(), unreachable.getMessage());
            return Optional.empty();
        }
    }

    /** The target's complete backups, newest first; none when the store cannot be read now (said in the log). */
    private static List<Manifest> stored(BackupCatalog catalog, Target target, StoppableStore store) {
        try {
            return catalog.list(Optional.of(target.name()));
        } catch (BackupException unreachable) {
            logger.warn("cannot read the backups of {} in {}: {}", target, store.location(), unreachable.getMessage());
            return List.of();
        }
    }

    /**
     * One backup now for each target new to the schedule whose newest backup is older than the last time its schedule
     * should have fired: the agent was not running. (A schedule that was already there, shared, catches up by itself.)
     */
    private record CatchUp(Function<String, Optional<Manifest>> newestOf, Clock clock) {
        void after(BackupScheduler scheduler, List<BackupScheduler.Work> created) {
            Date now = Date.from(clock.instant());
            for (BackupScheduler.Work work : created) {
                if (!work.kind().equals(BackupScheduler.BACKUP)) {
                    continue;
                }
                try {
                    Optional<Manifest> newest = newestOf.apply(work.target());
                    if (newest.isEmpty()) {
                        continue;
                    }
                    Date missed = new CronExpression(work.cron())
                            .getTimeAfter(Date.from(newest.get().started()));
                    if (missed != null && missed.before(now)) {
                        logger.info(
                                "the backup of {} due at {} was missed; taking it now",
                                work.target(),
                                missed.toInstant());
                        scheduler.fireNow(work);
                    }
                } catch (BackupException | ParseException failure) {
                    logger.warn(
                            "cannot tell whether a backup of {} was missed: {}", work.target(), failure.getMessage());
                }
            }
        }
    }

    /** Aborts the backup being written, if any, and lets no other begin: the agent is stopping. */
    void abort() {
        store.stop();
    }

    /** Waits for a running backup to end (after {@link #abort}, at once) and closes the store. */
    @Override
    public void close() {
        starter.close();
        database.ifPresent(ScheduleDatabase::close);
        store.close();
    }

    /** How long the agent waits before it tries an unusable schedule database again, at most. */
    static final Duration MOST_PATIENT_RETRY = Duration.ofMinutes(1);
}
