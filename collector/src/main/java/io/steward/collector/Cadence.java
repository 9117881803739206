package io.steward.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How often a probe is sent on a connection. Every cadence sends on the first poll of a connection, since a new
 * connection may lead to another server behind the same address; between sends the last reading stands.
 */
public sealed interface Cadence {

    /** Every poll. */
    record EveryPoll() implements Cadence {}

    /** Every {@code n}th poll of a connection, starting with its first. */
    record EveryNth(int n) implements Cadence {
        public EveryNth {
            if (n < 1) {
                throw new IllegalArgumentException("n must be at least 1");
            }
        }
    }

    /** At most once per interval of the poller's clock. */
    record AtMostEvery(Duration interval) implements Cadence {
        public AtMostEvery {
            Objects.requireNonNull(interval, "interval");
        }
    }

    /** Only on the polls that ask for it ({@link TargetPoller#poll(boolean)} with {@code inspect}). */
    record OnDemand() implements Cadence {}

    static Cadence everyPoll() {
        return new EveryPoll();
    }

    static Cadence everyNth(int n) {
        return n == 1 ? new EveryPoll() : new EveryNth(n);
    }

    static Cadence atMostEvery(Duration interval) {
        return new AtMostEvery(interval);
    }

    static Cadence onDemand() {
        return new OnDemand();
    }

    /**
     * @param poll the number of this poll on the connection, 0 for the first
     * @param lastSent when the probe was last sent on this connection, null when never
     * @param demanded whether this poll asks for the on-demand probes
     */
    default boolean due(long poll, Instant lastSent, Instant now, boolean demanded) {
        if (this instanceof OnDemand) {
            return demanded;
        }
        if (lastSent == null) {
            return true;
        }
        if (this instanceof EveryNth every) {
            return poll % every.n() == 0;
        }
        if (this instanceof AtMostEvery every) {
            return Duration.between(lastSent, now).compareTo(every.interval()) >= 0;
        }
        return true;
    }
}
