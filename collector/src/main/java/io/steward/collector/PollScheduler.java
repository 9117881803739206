package io.steward.collector;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every configured target on its own interval and keeps the latest result of each.
 *
 * <p>A target that fails is retried sooner than its interval at first (1 s, 2 s, 4 s, ...) and then at its
 * interval, so a blip heals quickly while a dead server is not hammered. A failing target is logged when its
 * state changes and then at most every {@link #REPEAT_WARNING} while it stays down.
 */
public final class PollScheduler implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PollScheduler.class);
    static final Duration REPEAT_WARNING = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final List<ScheduledTarget> scheduled = new ArrayList<>();
    private final Map<String, PollResult> latest = new ConcurrentHashMap<>();
    private final List<Consumer<PollResult>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    public PollScheduler(
            List<Target> targets, RedisConnector connector, MeterRegistry registry, Clock clock, PollOptions options) {
        this.clock = clock;
        for (Target target : targets) {
            scheduled.add(new ScheduledTarget(
                    new TargetPoller(target, connector, clock, options), new PollMetrics(registry, target.name())));
        }
        int threads = Math.max(1, Math.min(4, targets.size()));
        this.scheduler = Executors.newScheduledThreadPool(threads, DaemonThreads.named("steward-poller"));
    }

    /** Called with every poll result, on a poller thread. */
    public void addListener(Consumer<PollResult> listener) {
        listeners.add(listener);
    }

    public void start() {
        for (ScheduledTarget target : scheduled) {
            // Spread the first polls over a fraction of the interval so many targets do not poll in lockstep.
            long interval = target.poller.target().pollInterval().toMillis();
            long jitter =
                    scheduled.size() == 1 ? 0 : ThreadLocalRandom.current().nextLong(Math.max(1, interval / 4));
            scheduler.schedule(() -> run(target), jitter, TimeUnit.MILLISECONDS);
        }
    }

    /** The latest result of each target, in configuration order; targets not yet polled are absent. */
    public Map<String, PollResult> latest() {
        Map<String, PollResult> ordered = new LinkedHashMap<>();
        for (ScheduledTarget target : scheduled) {
            PollResult result = latest.get(target.poller.target().name());
            if (result != null) {
                ordered.put(target.poller.target().name(), result);
            }
        }
        return ordered;
    }

    public List<Target> targets() {
        return scheduled.stream().map(p -> p.poller.target()).toList();
    }

    private void run(ScheduledTarget target) {
        if (scheduler.isShutdown()) {
            return;
        }
        long started = System.nanoTime();
        Duration next;
        try {
            PollResult result = target.poller.poll();
            if (scheduler.isShutdown()) {
                return; // a poll cut short by close() is not an outage
            }
            latest.put(result.target().name(), result);
            target.metrics.record(result);
            next = target.afterPoll(result);
            for (Consumer<PollResult> listener : listeners) {
                listener.accept(result);
            }
        } catch (RuntimeException unexpected) {
            logger.error("polling {} failed unexpectedly", target.poller.target(), unexpected);
            next = target.poller.target().pollInterval();
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (!scheduler.isShutdown()) {
            scheduler.schedule(() -> run(target), Math.max(0, next.toMillis() - elapsed), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        scheduled.forEach(p -> p.poller.close());
    }

    /** The per-target loop state: the poller, its metrics, and how long it has been failing. */
    private final class ScheduledTarget {
        final TargetPoller poller;
        final PollMetrics metrics;
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
