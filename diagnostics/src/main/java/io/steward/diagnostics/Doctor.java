package io.steward.diagnostics;

import io.steward.collector.PollResult;
import io.steward.collector.RedisConnector;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The on-demand doctor: reads one server, takes two INFO samples a while apart for rates, and runs the rules.
 * Read-only: it never sends KEYS, MONITOR, DEBUG, SAVE, BGSAVE, CONFIG SET or FLUSH.
 */
public final class Doctor {

    /** Waits between the two INFO samples; tests replace it to act on the server inside the window. */
    @FunctionalInterface
    public interface Pause {
        void between(Duration sample) throws InterruptedException;
    }

    public static final Pause SLEEP = sample -> Thread.sleep(sample.toMillis());

    private final RedisConnector connector;
    private final Clock clock;
    private final Pause pause;
    private final Diagnosis diagnosis;

    public Doctor(RedisConnector connector, Clock clock, Pause pause, Diagnosis diagnosis) {
        this.connector = connector;
        this.clock = clock;
        this.pause = pause;
        this.diagnosis = diagnosis;
    }

    /**
     * @param sample the time between the two INFO samples; zero takes one sample and skips the rules that need rates
     * @throws DoctorException when the server cannot be read (down, auth, timeout, INFO refused)
     */
    public Report examine(Target target, Duration sample) throws DoctorException, InterruptedException {
        Instant startedAt = clock.instant();
        Extras extras;
        // The extras come first so that the doctor's own refused commands fall outside the measured window.
        try (DoctorReader reader = new DoctorReader(target, connector)) {
            extras = reader.read();
        }
        // Integer.MAX_VALUE: the poller's own CONFIG refresh happens on the first sample only.
        try (TargetPoller poller = new TargetPoller(target, connector, clock, Integer.MAX_VALUE)) {
            Snapshot first = sample(poller);
            if (sample.isZero()) {
                return diagnosis.examine(
                        Observation.single(first, extras, "one INFO sample only (--sample-seconds 0)"), startedAt);
            }
            pause.between(sample);
            return diagnosis.examine(Observation.of(first, sample(poller), extras), startedAt);
        }
    }

    private static Snapshot sample(TargetPoller poller) throws DoctorException {
        PollResult result = poller.poll();
        if (result instanceof PollResult.Failed failed) {
            throw new DoctorException(failed.reason(), failed.message());
        }
        return ((PollResult.Polled) result).snapshot();
    }
}
