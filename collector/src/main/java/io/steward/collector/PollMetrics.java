package io.steward.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/** The agent's own view of polling one target: last duration, last success, errors by reason. */
final class PollMetrics {

    private final MeterRegistry registry;
    private final String target;
    private final AtomicReference<Double> lastDurationSeconds = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> lastSuccessSeconds = new AtomicReference<>(Double.NaN);

    PollMetrics(MeterRegistry registry, String target) {
        this.registry = registry;
        this.target = target;
        Gauge.builder("steward.poll.duration", lastDurationSeconds, AtomicReference::get)
                .description("How long the last poll of the target took")
                .baseUnit("seconds")
                .tag("target", target)
                .strongReference(true)
                .register(registry);
        Gauge.builder("steward.poll.last.success.timestamp", lastSuccessSeconds, AtomicReference::get)
                .description("Unix time of the last successful poll of the target")
                .baseUnit("seconds")
                .tag("target", target)
                .strongReference(true)
                .register(registry);
        // Pre-register the common reasons so rate() sees a zero before the first failure.
        for (PollFailure reason : PollFailure.values()) {
            errors(reason);
        }
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
                .tag("target", target)
                .tag("reason", reason.label())
                .register(registry);
    }
}
