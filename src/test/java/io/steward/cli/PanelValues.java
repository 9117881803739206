package io.steward.cli;

import io.steward.dashboards.Dashboards;

/**
 * Whether a value a dashboard query returns can be in the unit its panel shows, on the small, healthy servers of
 * the end-to-end tests: a unit off by a scale (ms for s, kB for bytes) shows as an implausible value.
 */
final class PanelValues {

    /** Memory in use (used, RSS, peak) that Redis 7 cannot go below: it allocates about 850 KiB at startup. */
    private static final double LEAST_MEMORY_BYTES = 512 * 1024;

    /** The longest duration these small servers take for anything (a fork, a save, a backup, a slow command). */
    private static final double LONGEST_DURATION_SECONDS = 5;

    /**
     * Why one value cannot be in the panel's unit, or null when it can.
     *
     * @param secondsSinceStart how long the test has run: no age or uptime its servers report can be older
     */
    static String implausible(Dashboards.Query query, double value, double secondsSinceStart) {
        if (!Double.isFinite(value)) {
            return "not a finite number";
        }
        if (query.min() != null && value < query.min()) {
            return "below the panel's min " + query.min();
        }
        if (query.max() != null && value > query.max()) {
            return "above the panel's max " + query.max();
        }
        return switch (query.unit()) {
            case "percentunit" -> value >= 0 && value <= 1 ? null : "a share outside 0..1";
            case "bytes" -> value == Math.rint(value) ? null : "a fraction of a byte: MiB or kB rather than bytes?";
            case "s" -> {
                if (isAge(query)) {
                    // A timestamp in ms would make the age hugely negative; an age in ms, too large.
                    yield value >= -1 && value <= secondsSinceStart + 1
                            ? null
                            : "not an age within the " + secondsSinceStart + " s this test has run";
                }
                // Redis reports -1 for a save or rewrite that never ran.
                yield value == -1 || (value >= 0 && value < LONGEST_DURATION_SECONDS)
                        ? null
                        : "not a duration in seconds: milliseconds or microseconds?";
            }
            case "µs" -> value >= 0 && value < 1e6 ? null : "not a latency in microseconds";
            case "ops", "Bps", "short" -> value >= 0 ? null : "negative";
            case "none" -> value == 0 || value == 1 ? null : "a state other than 0 or 1";
            default -> "no check for unit '" + query.unit() + "': add one here";
        };
    }

    /** Why the largest value of a panel is off by a unit's scale, or null; some mistakes show only at the top. */
    static String implausibleScale(Dashboards.Query query, double largest) {
        if (query.unit().equals("µs") && largest < 1) {
            return "the traffic's SET and GET take a microsecond or more: seconds rather than microseconds?";
        }
        if (query.unit().equals("bytes")
                && query.expr().matches("redis_memory_used_(bytes|rss_bytes|peak_bytes)\\{[^}]*}")
                && largest < LEAST_MEMORY_BYTES) {
            return "less memory than Redis allocates at startup: kB rather than bytes?";
        }
        return null;
    }

    /** An age or an uptime, measured from a moment after this class started, rather than a duration. */
    private static boolean isAge(Dashboards.Query query) {
        return query.expr().startsWith("time() -") || query.expr().startsWith("redis_uptime_in_seconds");
    }

    private PanelValues() {}
}
