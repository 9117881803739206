package io.steward.collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One row of {@code LATENCY LATEST}: the event, when it last spiked, and the latest and all-time max spike. */
public record LatencyEvent(String event, Instant lastSpike, long latestMillis, long maxMillis) {

    /**
     * Parses the reply of {@code LATENCY LATEST}: an array of {@code [event, unix-time, latest-ms, max-ms, ...]}. A row
     * whose numbers do not read (not a number, or a time no clock shows) is left out and the others are kept.
     */
    static List<LatencyEvent> parseLatest(List<?> reply) {
        List<LatencyEvent> events = new ArrayList<>();
        for (Object row : reply) {
            if (row instanceof List<?> cells && cells.size() >= 4) {
                OptionalLong time = asLong(cells.get(1));
                OptionalLong latest = asLong(cells.get(2));
                OptionalLong max = asLong(cells.get(3));
                Optional<Instant> spike = instant(time);
                if (spike.isPresent() && latest.isPresent() && max.isPresent()) {
                    events.add(new LatencyEvent(
                            String.valueOf(cells.get(0)), spike.get(), latest.getAsLong(), max.getAsLong()));
                }
            }
        }
        return List.copyOf(events);
    }

    /** A whole number sent as an integer or as text; empty for anything else. */
    static OptionalLong asLong(Object value) {
        if (value instanceof Number n) {
            return OptionalLong.of(n.longValue());
        }
        return value instanceof CharSequence text ? Numbers.wholeNumber(text.toString()) : OptionalLong.empty();
    }

    /** Unix seconds as an instant; empty for none, or for seconds beyond any instant. */
    static Optional<Instant> instant(OptionalLong seconds) {
        if (seconds.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(seconds.getAsLong()));
        } catch (java.time.DateTimeException beyondTime) {
            return Optional.empty();
        }
    }
}
