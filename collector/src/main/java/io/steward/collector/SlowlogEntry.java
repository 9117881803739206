package io.steward.collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of {@code SLOWLOG GET}: when, how long, the command's name and the client's name. Arguments are not
 * kept: they hold keys and values, which are the user's data.
 */
public record SlowlogEntry(long id, Instant time, long durationMicros, String command, String clientName) {

    /**
     * Parses the reply of {@code SLOWLOG GET}: entries of {@code [id, unix-time, micros, [args...], addr, name]}. An
     * entry whose numbers do not read is left out and the others are kept.
     */
    static List<SlowlogEntry> parse(List<?> reply) {
        List<SlowlogEntry> entries = new ArrayList<>();
        for (Object row : reply) {
            if (row instanceof List<?> cells && cells.size() >= 4) {
                OptionalLong id = LatencyEvent.asLong(cells.get(0));
                Optional<Instant> time = LatencyEvent.instant(LatencyEvent.asLong(cells.get(1)));
                OptionalLong micros = LatencyEvent.asLong(cells.get(2));
                if (id.isEmpty() || time.isEmpty() || micros.isEmpty()) {
                    continue;
                }
                // A doctor keeps 128 entries of every target: a command's name (one of a few hundred) is held once,
                // and so is the empty name of a client that has none.
                String command = cells.get(3) instanceof List<?> args && !args.isEmpty()
                        ? String.valueOf(args.get(0)).toUpperCase(Locale.ROOT).intern()
                        : "?";
                String client = cells.size() >= 6 ? String.valueOf(cells.get(5)) : "";
                client = client.isEmpty() ? "" : client;
                entries.add(new SlowlogEntry(id.getAsLong(), time.get(), micros.getAsLong(), command, client));
            }
        }
        return List.copyOf(entries);
    }
}
