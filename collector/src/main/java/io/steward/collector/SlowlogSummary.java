package io.steward.collector;

import java.util.List;

/**
 * The slow log as the collector sees it each poll: its length, and the id and duration of the newest entry
 * (id -1 and duration 0 when the log is empty, or when the entry's numbers do not read).
 */
public record SlowlogSummary(long length, long lastId, long lastDurationMicros) {

    /** Builds the summary from {@code SLOWLOG LEN} and the reply of {@code SLOWLOG GET 1}. */
    public static SlowlogSummary of(long length, List<?> newest) {
        if (newest.isEmpty() || !(newest.get(0) instanceof List<?> entry) || entry.size() < 3) {
            return new SlowlogSummary(length, -1, 0);
        }
        java.util.OptionalLong id = LatencyEvent.asLong(entry.get(0));
        java.util.OptionalLong micros = LatencyEvent.asLong(entry.get(2));
        return id.isPresent() && micros.isPresent()
                ? new SlowlogSummary(length, id.getAsLong(), micros.getAsLong())
                : new SlowlogSummary(length, -1, 0);
    }
}
