package io.steward.diagnostics;

import java.util.Locale;

/** How reports write numbers: binary sizes, short durations, ratios, and sizes as Redis config values. */
final class Units {

    static final double KIB = 1024;
    static final double MIB = 1024 * KIB;
    static final double GIB = 1024 * MIB;

    private Units() {}

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 41.3 MiB}, {@code 2.0 GiB}. */
    static String bytes(double bytes) {
        double abs = Math.abs(bytes);
        if (abs < KIB) {
            return format("%.0f B", bytes);
        }
        if (abs < MIB) {
            return format("%.1f KiB", bytes / KIB);
        }
        if (abs < GIB) {
            return format("%.1f MiB", bytes / MIB);
        }
        return format("%.1f GiB", bytes / GIB);
    }

    /** A size as Redis config takes it, rounded up to whole megabytes ({@code 144mb}) or gigabytes ({@code 3gb}). */
    static String configSize(double bytes) {
        long mb = (long) (roundedUp(bytes) / MIB);
        return mb % 1024 == 0 ? (mb / 1024) + "gb" : mb + "mb";
    }

    /** A size as Redis config takes it, rounded down: whole gigabytes from 1 GiB ({@code 17gb}), else megabytes. */
    static String configSizeDown(double bytes) {
        double rounded = roundedDown(bytes);
        return bytes >= GIB ? (long) (rounded / GIB) + "gb" : (long) (rounded / MIB) + "mb";
    }

    /** The bytes {@link #configSize} writes. */
    static double roundedUp(double bytes) {
        return Math.max(1, Math.ceil(bytes / MIB)) * MIB;
    }

    /** The bytes {@link #configSizeDown} writes. */
    static double roundedDown(double bytes) {
        return bytes >= GIB ? Math.floor(bytes / GIB) * GIB : Math.max(1, Math.floor(bytes / MIB)) * MIB;
    }

    /** {@code 0.8 s}, {@code 12 s}, {@code 3.5 min}, {@code 2.1 h}, {@code 3.0 days}. */
    static String duration(double seconds) {
        if (seconds < 10) {
            return format("%.1f s", seconds);
        }
        if (seconds < 120) {
            return format("%.0f s", seconds);
        }
        if (seconds < 7200) {
            return format("%.1f min", seconds / 60);
        }
        if (seconds < 172800) {
            return format("%.1f h", seconds / 3600);
        }
        return format("%.1f days", seconds / 86400);
    }

    /** {@code 1.62}. */
    static String ratio(double ratio) {
        return format("%.2f", ratio);
    }

    /** A fraction as a percentage: {@code 0.953 -> 95.3%}. */
    static String percent(double fraction) {
        return format("%.1f%%", fraction * 100);
    }

    /** A count without a fraction when it has none: {@code 3}, {@code 2.5}. */
    static String count(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value)
                : format("%.1f", value);
    }

    /** A count with its noun: {@code 1 call}, {@code 3 calls}, {@code 1 entry}, {@code 2 entries}. */
    static String count(double value, String noun) {
        return count(value) + " " + (value == 1 ? noun : plural(noun));
    }

    /** {@code entry -> entries}, {@code reply -> replies}, {@code key -> keys}. */
    static String plural(String noun) {
        boolean consonantY =
                noun.length() > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0;
        return consonantY ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
    }

    /** {@code 12.3/s}. */
    static String perSecond(double value) {
        return format(value < 10 ? "%.2f/s" : "%.0f/s", value);
    }

    static String millis(double millis) {
        return format(millis < 10 ? "%.1f ms" : "%.0f ms", millis);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
