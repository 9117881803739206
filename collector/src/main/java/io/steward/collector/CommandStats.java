package io.steward.collector;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * {@code INFO commandstats}, {@code errorstats} and {@code latencystats}, typed.
 *
 * @param commands per command ({@code get}, {@code client|list}), in the server's order
 * @param errors error replies by prefix ({@code ERR}, {@code OOM}, {@code NOPERM})
 * @param latency per command, percentile (0.5, 0.99, 0.999) to microseconds; empty on servers before 7.0
 */
public record CommandStats(
        Map<String, Command> commands, Map<String, Long> errors, Map<String, Map<Double, Double>> latency) {

    /**
     * One {@code cmdstat_<name>} line.
     *
     * @param rejectedCalls empty on servers before 7.0, which do not count them
     */
    public record Command(long calls, double usec, OptionalLong rejectedCalls, OptionalLong failedCalls) {}

    private static final String CMDSTAT = "cmdstat_";
    private static final String ERRORSTAT = "errorstat_";
    private static final String PERCENTILES = "latency_percentiles_usec_";

    public CommandStats {
        commands = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commands));
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        Map<String, Map<Double, Double>> copy = new LinkedHashMap<>();
        latency.forEach((command, quantiles) -> copy.put(command, Map.copyOf(quantiles)));
        latency = java.util.Collections.unmodifiableMap(copy);
    }

    /** Calls of one command so far, 0 when it was never called. */
    public long calls(String command) {
        Command stats = commands.get(command);
        return stats == null ? 0 : stats.calls();
    }

    /** Error replies with this prefix so far, 0 when there were none. */
    public long errorCount(String prefix) {
        return errors.getOrDefault(prefix, 0L);
    }

    /** A line whose numbers do not parse is left out, as if the server had not sent it. */
    static CommandStats from(RedisInfo info) {
        return from(info, new CommandStats(Map.of(), Map.of(), Map.of()));
    }

    /**
     * As {@link #from(RedisInfo)}, sharing with {@code earlier} (the target's previous statistics) every name and
     * every figure that did not change: most commands are not called between two polls, and the percentiles stand
     * between full INFO replies, so a target's kept snapshots hold them once.
     */
    static CommandStats from(RedisInfo info, CommandStats earlier) {
        Earlier<Command> earlierCommands = new Earlier<>(earlier.commands);
        Map<String, Command> commands = new LinkedHashMap<>();
        info.section("commandstats").forEach((field, value) -> {
            if (field.startsWith(CMDSTAT)) {
                Map<String, String> stats = InfoParser.nested(value);
                OptionalLong calls = Numbers.wholeNumber(stats.get("calls"));
                OptionalDouble usec = Numbers.number(stats.get("usec"));
                if (calls.isPresent() && usec.isPresent()) {
                    earlierCommands.put(
                            commands,
                            field.substring(CMDSTAT.length()),
                            new Command(
                                    calls.getAsLong(),
                                    usec.getAsDouble(),
                                    Numbers.wholeNumber(stats.get("rejected_calls")),
                                    Numbers.wholeNumber(stats.get("failed_calls"))));
                }
            }
        });
        Earlier<Long> earlierErrors = new Earlier<>(earlier.errors);
        Map<String, Long> errors = new LinkedHashMap<>();
        info.section("errorstats").forEach((field, value) -> {
            if (field.startsWith(ERRORSTAT)) {
                Numbers.wholeNumber(InfoParser.nested(value).get("count"))
                        .ifPresent(count -> earlierErrors.put(errors, field.substring(ERRORSTAT.length()), count));
            }
        });
        Earlier<Map<Double, Double>> earlierLatency = new Earlier<>(earlier.latency);
        Map<String, Map<Double, Double>> latency = new LinkedHashMap<>();
        info.section("latencystats").forEach((field, value) -> {
            if (field.startsWith(PERCENTILES)) {
                earlierLatency.put(latency, field.substring(PERCENTILES.length()), quantiles(InfoParser.nested(value)));
            }
        });
        return new CommandStats(commands, errors, latency);
    }

    /** {@code p50=1.003,p99=2.007,p99.9=4.015} into quantiles 0.5, 0.99 and 0.999. */
    private static Map<Double, Double> quantiles(Map<String, String> percentiles) {
        Map<Double, Double> quantiles = new LinkedHashMap<>();
        percentiles.forEach((name, value) -> {
            OptionalDouble micros = Numbers.number(value);
            if (name.startsWith("p") && Numbers.number(name.substring(1)).isPresent() && micros.isPresent()) {
                // Rounded, so p99.9 is the quantile 0.999 and not 0.9990000000000001.
                double quantile = Math.round(Numbers.number(name.substring(1)).getAsDouble() * 1e4) / 1e6;
                quantiles.put(quantile, micros.getAsDouble());
            }
        });
        return quantiles;
    }

    /**
     * An earlier map, walked in its order as the new one is filled in the server's (usually the same) order: an entry
     * sent again takes the earlier key, and the earlier value when it is equal.
     */
    private static final class Earlier<V> {
        private final Map<String, V> map;
        private final Iterator<Map.Entry<String, V>> entries;
        private Map.Entry<String, V> next;
        private Map<String, Map.Entry<String, V>> byName;

        Earlier(Map<String, V> map) {
            this.map = map;
            this.entries = map.entrySet().iterator();
            advance();
        }

        void put(Map<String, V> into, String name, V value) {
            Map.Entry<String, V> earlier = find(name);
            if (earlier == null) {
                into.put(name, value);
            } else {
                into.put(earlier.getKey(), earlier.getValue().equals(value) ? earlier.getValue() : value);
            }
        }

        private Map.Entry<String, V> find(String name) {
            if (next != null && next.getKey().equals(name)) {
                Map.Entry<String, V> found = next;
                advance();
                return found;
            }
            if (byName == null) {
                // The server's order changed (a command called for the first time): look names up from now on.
                byName = new HashMap<>();
                map.entrySet().forEach(entry -> byName.put(entry.getKey(), entry));
            }
            return byName.get(name);
        }

        private void advance() {
            next = entries.hasNext() ? entries.next() : null;
        }
    }
}
