package io.steward.collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One row of {@code LATENCY LATEST}: the event, when it last spiked, and the latest and all-time max spike. */
public record LatencyEvent(String event, Instant lastSpike, long latestMillis, long maxMillis) {

    /** Parses the reply of {@code LATENCY LATEST}: an array of {@code [event, unix-time, latest-ms, max-ms, ...]}. */
    static List<LatencyEvent> parseLatest(List<?> reply) {
        List<LatencyEvent> events = new ArrayList<>();
        for (Object row : reply) {
            if (row instanceof List<?> cells && cells.size() >= 4) {
                events.add(new LatencyEvent(
                        String.valueOf(cells.get(0)),
                        Instant.ofEpochSecond(asLong(cells.get(1))),
                        asLong(cells.get(2)),
                        asLong(cells.get(3))));
            }
        }
        return List.copyOf(events);
    }

    static long asLong(Object value) {
        return value instanceof Number n
                ? n.longValue()
                : Long.parseLong(String.valueOf(value).strip());
    }
}
