package io.steward.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code host:port} pattern of {@code web.scrape-allow}, where {@code *} matches any run of characters:
 * {@code 10.0.0.*:6379}, {@code cache-*.internal:*}. Host names match without regard to case; nothing is resolved,
 * so a name and its address are different hosts.
 */
record HostPattern(String text, Pattern host, Pattern port) {

    private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.*]+]|[A-Za-z0-9._*-]+):([0-9*]+)");

    /** @param where the flag or key the pattern was given under, for messages */
    static HostPattern parse(String text, String where) {
        String pattern = text == null ? "" : text.strip();
        var form = FORM.matcher(pattern);
        if (!form.matches()) {
            throw new ConfigException(where + ": '" + text + "' is not a HOST:PORT pattern (for example 10.0.0.*:6379"
                    + " or cache-*.internal:*)");
        }
        return new HostPattern(pattern, glob(form.group(1)), glob(form.group(2)));
    }

    boolean matches(String host, int port) {
        return this.host.matcher(host.toLowerCase(Locale.ROOT)).matches()
                && this.port.matcher(String.valueOf(port)).matches();
    }

    private static Pattern glob(String glob) {
        return Pattern.compile(Arrays.stream(glob.toLowerCase(Locale.ROOT).split("\\*", -1))
                .map(Pattern::quote)
                .collect(Collectors.joining(".*")));
    }

    @Override
    public String toString() {
        return text;
    }
}
