package io.steward.collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of {@code SLOWLOG GET}: when, how long, the command's name and the client's name. Arguments are not
 * kept: they hold keys and values, which are the user's data.
 */
public record SlowlogEntry(long id, Instant time, long durationMicros, String command, String clientName) {

    /** Parses the reply of {@code SLOWLOG GET}: entries of {@code [id, unix-time, micros, [args...], addr, name]}. */
    static List<SlowlogEntry> parse(List<?> reply) {
        List<SlowlogEntry> entries = new ArrayList<>();
        for (Object row : reply) {
            if (row instanceof List<?> cells && cells.size() >= 4) {
                String command = cells.get(3) instanceof List<?> args && !args.isEmpty()
                        ? String.valueOf(args.get(0)).toUpperCase(Locale.ROOT)
                        : "?";
                String client = cells.size() >= 6 ? String.valueOf(cells.get(5)) : "";
                entries.add(new SlowlogEntry(
                        LatencyEvent.asLong(cells.get(0)),
                        Instant.ofEpochSecond(LatencyEvent.asLong(cells.get(1))),
                        LatencyEvent.asLong(cells.get(2)),
                        command,
                        client));
            }
        }
        return List.copyOf(entries);
    }
}
