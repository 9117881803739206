package io.steward.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The agent's own view of polling one target: last duration, last success, errors by reason. */
final class PollMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final AtomicReference<Double> lastDurationSeconds = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> lastSuccessSeconds = new AtomicReference<>(Double.NaN);

    /** A group's member is tagged with its node as well as the group's name. */
    PollMetrics(MeterRegistry registry, Target target) {
        this.registry = registry;
        this.tags = target.isMember()
                ? Tags.of("target", target.name(), "node", target.node())
                : Tags.of("target", target.name());
        meters.add(Gauge.builder("steward.poll.duration", lastDurationSeconds, AtomicReference::get)
                .description("How long the last poll of the target took")
                .baseUnit("seconds")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        meters.add(Gauge.builder("steward.poll.last.success.timestamp", lastSuccessSeconds, AtomicReference::get)
                .description("Unix time of the last successful poll of the target")
                .baseUnit("seconds")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        // Pre-register the common reasons so rate() sees a zero before the first failure.
        for (PollFailure reason : PollFailure.values()) {
            meters.add(errors(reason));
        }
    }

    /** Removes the series of a member that left its group. */
    void close() {
        meters.forEach(registry::remove);
    }

    void record(PollResult result) {
        if (result instanceof PollResult.Polled polled) {
            lastDurationSeconds.set(polled.snapshot().pollDuration().toNanos() / 1e9);
            lastSuccessSeconds.set(polled.time().toEpochMilli() / 1e3);
        } else if (result instanceof PollResult.Failed failed) {
            errors(failed.reason()).increment();
        }
    }

    private Counter errors(PollFailure reason) {
        return Counter.builder("steward.poll.errors")
                .description("Polls of the target that failed, by reason")
                .tags(tags)
                .tag("reason", reason.label())
                .register(registry);
    }
}
