package io.steward.collector;

import java.time.Duration;
import java.util.Objects;

/**
 * What a poller reads besides INFO, and how often.
 *
 * @param configEvery {@code CONFIG GET} on every this many polls (it changes rarely and is read whole)
 * @param inspection the cadence of the doctor's reads ({@link Inspection}); null when nobody diagnoses the target
 */
public record PollOptions(int configEvery, Cadence inspection) {

    /** Full INFO, MEMORY STATS and the newest slow log entry on every this many polls: see {@link InfoReader}. */
    static final int DETAIL_POLLS = InfoReader.FULL_POLLS;

    public PollOptions {
        if (configEvery < 1) {
            throw new IllegalArgumentException("configEvery must be at least 1");
        }
    }

    /** Everything on every poll, nothing of the doctor's: for one-off polls such as {@code /scrape}. */
    public static PollOptions oneOff() {
        return new PollOptions(1, null);
    }

    /** The agent's polls: CONFIG every {@code configEvery}th, no inspection. */
    public static PollOptions agent(int configEvery) {
        return new PollOptions(configEvery, null);
    }

    /** With the doctor's reads at most once per {@code interval}. */
    public PollOptions inspectingEvery(Duration interval) {
        return new PollOptions(configEvery, Cadence.atMostEvery(Objects.requireNonNull(interval, "interval")));
    }

    /**
     * For {@code steward doctor}: the doctor's reads on the polls that ask for them, CONFIG on the first poll only.
     */
    public static PollOptions doctor() {
        return new PollOptions(Integer.MAX_VALUE, Cadence.onDemand());
    }
}
