package io.steward.testing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads single samples out of a Prometheus text exposition. */
public final class Metrics {

    private Metrics() {}

    /** The value of the first sample whose name and label text match exactly, like {@code redis_up{target="a"}}. */
    public static Optional<Double> value(String exposition, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }
}
