package io.steward.collector;

import java.time.Instant;
import java.util.Objects;

/** The outcome of one poll: a snapshot, or the reason there is none. */
public sealed interface PollResult {

    Target target();

    Instant time();

    record Polled(Snapshot snapshot) implements PollResult {
        public Polled {
            Objects.requireNonNull(snapshot, "snapshot");
        }

        @Override
        public Target target() {
            return snapshot.target();
        }

        @Override
        public Instant time() {
            return snapshot.time();
        }
    }

    /** A failed poll. The message is safe to log: it never contains credentials. */
    record Failed(Target target, Instant time, PollFailure reason, String message) implements PollResult {
        public Failed {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
