package io.steward.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every configured target on its own interval and keeps the latest result of each. A group target (Sentinel
 * group, cluster) is polled as its members, each on the group's interval; a {@link GroupWatcher} adds and drops
 * members as the group changes.
 *
 * <p>A target that fails is retried sooner than its interval at first (1 s, 2 s, 4 s, ...) and then at its
 * interval, so a blip heals quickly while a dead server is not hammered. A failing target is logged when its
 * state changes and then at most every {@link #REPEAT_WARNING} while it stays down.
 *
 * <p>Each target keeps a grid of due times, one interval apart, so its polls do not drift; the first polls are
 * spread evenly over the interval, so a thousand targets started together do not reach their servers together. A
 * poll of a target starts only after its previous one ended: a target is never polled twice at once. Polls that
 * start more than a tenth of their interval after they were due are counted as late.
 */
public final class PollScheduler implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PollScheduler.class);
    static final Duration REPEAT_WARNING = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final List<Target> targets;
    /** By {@link Target#key()}, in the order added. */
    private final Map<String, ScheduledTarget> scheduled = Collections.synchronizedMap(new LinkedHashMap<>());

    private final Map<String, PollResult> latest = new ConcurrentHashMap<>();
    private final Map<String, GroupWatcher> groups = new LinkedHashMap<>();
    private final List<Consumer<PollResult>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Target>> leaveListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final RedisConnector connector;
    private final MeterRegistry registry;
    private final Clock clock;
    private final PollOptions options;
    private final Counter started;
    private final Counter startedLate;
    private volatile boolean running;

    public PollScheduler(
            List<Target> targets, RedisConnector connector, MeterRegistry registry, Clock clock, PollOptions options) {
        this.targets = List.copyOf(targets);
        this.connector = connector;
        this.registry = registry;
        this.clock = clock;
        this.options = options;
        this.started = Counter.builder("steward.polls.started")
                .description("Polls started, of every target")
                .register(registry);
        this.startedLate = Counter.builder("steward.polls.started.late")
                .description("Polls started more than a tenth of their interval after they were due")
                .register(registry);
        for (Target target : targets) {
            if (target.isGroup()) {
                groups.put(target.name(), new GroupWatcher(target, Discoveries.of(target), new Members(), clock));
            } else {
                add(target);
            }
        }
        int threads = Math.max(1, Math.min(4, groups.isEmpty() ? targets.size() : 4));
        this.scheduler = Executors.newScheduledThreadPool(threads, DaemonThreads.named("steward-poller"));
    }

    /** Called with every poll result, on a poller thread. */
    public void addListener(Consumer<PollResult> listener) {
        listeners.add(listener);
    }

    /** Called with each member that left its group, once its polls have stopped, so its series can go too. */
    public void onMemberLeft(Consumer<Target> listener) {
        leaveListeners.add(listener);
    }

    public void start() {
        // The servers configured as such first: a group's entry points join through add(), which schedules them
        // itself once running; taken into this list as well, each would be polled twice per interval.
        List<ScheduledTarget> all = snapshotOfScheduled();
        running = true;
        groups.values().forEach(GroupWatcher::start);
        long now = System.nanoTime();
        List<ScheduledTarget> spread = interleavedByServer(all);
        for (int i = 0; i < spread.size(); i++) {
            ScheduledTarget target = spread.get(i);
            target.due = now
                    + firstPollOffset(i, spread.size(), target.poller.target().pollInterval());
            scheduleAtDue(target);
        }
    }

    /**
     * The targets in the order their first polls are spread in: one of each server's in turn, so many entries for
     * one server (its databases, its users) are spread over the whole interval too, not polled one after another.
     */
    private static List<ScheduledTarget> interleavedByServer(List<ScheduledTarget> targets) {
        return interleaved(targets, target -> target.poller.target().address());
    }

    /** One item of each key in turn, in the order the keys first appear, until none is left. */
    static <T> List<T> interleaved(List<T> items, Function<T, String> key) {
        Map<String, ArrayDeque<T>> byKey = new LinkedHashMap<>();
        for (T item : items) {
            byKey.computeIfAbsent(key.apply(item), k -> new ArrayDeque<>()).add(item);
        }
        List<T> interleaved = new ArrayList<>(items.size());
        while (interleaved.size() < items.size()) {
            for (ArrayDeque<T> ofKey : byKey.values()) {
                if (!ofKey.isEmpty()) {
                    interleaved.add(ofKey.poll());
                }
            }
        }
        return interleaved;
    }

    /** The {@code index}-th of {@code count} targets first polls this far into its interval: evenly spread. */
    static long firstPollOffset(int index, int count, Duration interval) {
        return interval.toNanos() / count * index;
    }

    private void scheduleAtDue(ScheduledTarget target) {
        long delay = Math.max(0, target.due - System.nanoTime());
        scheduler.schedule(() -> run(target), delay, TimeUnit.NANOSECONDS);
    }

    /**
     * The latest result of each server polled, by {@link Target#key()}: targets in configuration order, a group's
     * members in the order they were found; servers not yet polled are absent.
     */
    public Map<String, PollResult> latest() {
        Map<String, PollResult> ordered = new LinkedHashMap<>();
        for (ScheduledTarget target : snapshotOfScheduled()) {
            PollResult result = latest.get(target.poller.target().key());
            if (result != null) {
                ordered.put(target.poller.target().key(), result);
            }
        }
        return ordered;
    }

    /** The targets as configured: servers, and groups as one target each. */
    public List<Target> targets() {
        return targets;
    }

    /** What the agent knows of each group target, in configuration order. */
    public List<GroupState> groups() {
        return groups.values().stream().map(GroupWatcher::state).toList();
    }

    /** The member of a group at this {@code host:port} now, if any. */
    public Optional<Target> memberAt(String address) {
        for (GroupWatcher watcher : groups.values()) {
            for (Target member : watcher.members()) {
                if (member.node().equalsIgnoreCase(address)) {
                    return Optional.of(member);
                }
            }
        }
        return Optional.empty();
    }

    private List<ScheduledTarget> snapshotOfScheduled() {
        synchronized (scheduled) {
            return List.copyOf(scheduled.values());
        }
    }

    private void add(Target target) {
        ScheduledTarget added = new ScheduledTarget(
                new TargetPoller(target, connector, clock, options), new PollMetrics(registry, target));
        scheduled.put(target.key(), added);
        if (running) {
            added.due = System.nanoTime();
            scheduleAtDue(added);
        }
    }

    private void remove(Target target) {
        ScheduledTarget gone = scheduled.remove(target.key());
        if (gone != null) {
            gone.removed = true;
            latest.remove(target.key());
            gone.metrics.close();
            gone.poller.close();
            leaveListeners.forEach(listener -> listener.accept(target));
        }
    }

    /** Members of groups join and leave through their watchers. */
    private final class Members implements GroupWatcher.Membership {
        @Override
        public void add(Target member) {
            PollScheduler.this.add(member);
        }

        @Override
        public void remove(Target member) {
            PollScheduler.this.remove(member);
        }
    }

    private void run(ScheduledTarget target) {
        if (scheduler.isShutdown() || target.removed) {
            return;
        }
        long startedAt = System.nanoTime();
        long interval = target.poller.target().pollInterval().toNanos();
        started.increment();
        if (startedAt - target.due > interval / 10) {
            startedLate.increment();
        }
        Duration next;
        try {
            PollResult result = target.poller.poll();
            if (scheduler.isShutdown() || target.removed) {
                return; // a poll cut short by close(), or of a member that left, is not an outage
            }
            latest.put(result.target().key(), result);
            target.metrics.record(result);
            next = target.afterPoll(result);
            for (Consumer<PollResult> listener : listeners) {
                listener.accept(result);
            }
            GroupWatcher watcher =
                    result.target().isMember() ? groups.get(result.target().name()) : null;
            if (watcher != null) {
                watcher.update(membersLatest(result.target().name()));
            }
        } catch (RuntimeException unexpected) {
            logger.error("polling {} failed unexpectedly", target.poller.target(), unexpected);
            next = target.poller.target().pollInterval();
        }
        if (!scheduler.isShutdown() && !target.removed) {
            // A poll that outlasted the wait for the next is followed at once; that next is not late: only a poll
            // kept waiting by the agent is.
            target.due = Math.max(nextDue(target.due, startedAt, next.toNanos(), interval), System.nanoTime());
            scheduleAtDue(target);
        }
    }

    /**
     * When the poll after one that was due at {@code due} and started at {@code startedAt} is due. After a whole
     * interval it stays on the target's grid, also when this poll started a little late; a poll that started more
     * than half an interval late moves the grid, so a target is never polled again sooner than half an interval
     * after. A retry after a failure ({@code delay} shorter than the interval) is timed from the start.
     */
    static long nextDue(long due, long startedAt, long delay, long interval) {
        if (delay < interval) {
            return startedAt + delay;
        }
        return Math.max(due + delay, startedAt + interval / 2);
    }

    private List<PollResult> membersLatest(String group) {
        List<PollResult> results = new ArrayList<>();
        for (ScheduledTarget member : snapshotOfScheduled()) {
            Target target = member.poller.target();
            PollResult result = target.isMember() && target.name().equals(group) ? latest.get(target.key()) : null;
            if (result != null) {
                results.add(result);
            }
        }
        return results;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        snapshotOfScheduled().forEach(p -> p.poller.close());
    }

    /** The per-target loop state: the poller, its metrics, and how long it has been failing. */
    private final class ScheduledTarget {
        final TargetPoller poller;
        final PollMetrics metrics;
        volatile boolean removed;
        /** {@link System#nanoTime()} when the next poll is due; read and written by the poll's own thread. */
        volatile long due;

        int consecutiveFailures;
        PollFailure lastReason;
        Instant lastWarning = Instant.MIN;

        ScheduledTarget(TargetPoller poller, PollMetrics metrics) {
            this.poller = poller;
            this.metrics = metrics;
        }

        /** Logs state changes and returns the delay until the next poll. */
        Duration afterPoll(PollResult result) {
            Duration interval = poller.target().pollInterval();
            if (result instanceof PollResult.Failed failed) {
                Instant now = clock.instant();
                if (failed.reason() != lastReason
                        || Duration.between(lastWarning, now).compareTo(REPEAT_WARNING) >= 0) {
                    logger.warn(
                            "{} is down ({}): {}",
                            poller.target(),
                            failed.reason().label(),
                            failed.message());
                    lastWarning = now;
                }
                lastReason = failed.reason();
                consecutiveFailures++;
                Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(consecutiveFailures - 1, 16));
                return backoff.compareTo(interval) < 0 ? backoff : interval;
            }
            if (consecutiveFailures > 0) {
                logger.info("{} is back after {} failed polls", poller.target(), consecutiveFailures);
            }
            consecutiveFailures = 0;
            lastReason = null;
            lastWarning = Instant.MIN;
            return interval;
        }
    }
}
