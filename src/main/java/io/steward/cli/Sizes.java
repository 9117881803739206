package io.steward.cli;

import java.util.Locale;

/** Byte counts for people: {@code 812 B}, {@code 1.4 MiB}, {@code 2.0 GiB}. */
final class Sizes {

    private Sizes() {}

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
