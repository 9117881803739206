package io.steward.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused logins, at most one line per {@link #INTERVAL} with the number left out since the last line: a
 * client with a wrong password retrying every second, or someone guessing, would otherwise fill the log. A line
 * names the remote address and the user name given, never the password.
 */
final class FailedLogins {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final Logger logger = LoggerFactory.getLogger(FailedLogins.class);

    private final Clock clock;
    private Instant nextLine = Instant.MIN;
    private long leftOut;

    FailedLogins(Clock clock) {
        this.clock = clock;
    }

    /** @param user the user name given, null when the request gave no credentials */
    synchronized void refused(String remoteAddress, String user, boolean credentialsGiven) {
        Instant now = clock.instant();
        if (now.isBefore(nextLine)) {
            leftOut++;
            return;
        }
        String what = !credentialsGiven
                ? "no credentials"
                : user == null ? "malformed credentials" : "a wrong password or unknown user '" + printable(user) + "'";
        String since = leftOut == 0 ? "" : " (" + leftOut + " more refused since the last such line)";
        logger.warn("refused a request from {}: {}{}", remoteAddress, what, since);
        leftOut = 0;
        nextLine = now.plus(INTERVAL);
    }

    /** The name as text of one line, and short: it is whatever a client sent. */
    private static String printable(String user) {
        String clean = user.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return user.codePointCount(0, user.length()) > 64 ? clean + "..." : clean;
    }
}
