package io.steward.collector;

import io.lettuce.core.RedisCredentials;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code NOPERM} reply turned into what the operator grants: {@code the user 'steward' lacks +memory|stats}. Redis
 * 7.0 says {@code this user has no permissions to run the 'memory|stats' command}, 7.2 and later
 * {@code User steward has no permissions to run the 'memory|stats' command}; both name the command as an ACL rule
 * names it, subcommand included.
 */
public final class MissingPermission {

    private static final Pattern COMMAND = Pattern.compile("no permissions to run the '([^']+)' command");
    private static final Pattern KEY = Pattern.compile("no permissions to access (?:one of the keys|the '[^']*' key)");
    private static final Pattern CHANNEL =
            Pattern.compile("no permissions to access (?:one of the channels|the '[^']*' channel)");

    private MissingPermission() {}

    /** The rule the reply says is missing ({@code +info}, {@code ~<pattern>}), or empty when it is no NOPERM. */
    public static Optional<String> in(String reply) {
        if (reply == null || !reply.contains("NOPERM")) {
            return Optional.empty();
        }
        Matcher command = COMMAND.matcher(reply);
        if (command.find()) {
            return Optional.of("+" + command.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        if (KEY.matcher(reply).find()) {
            return Optional.of("~* (or a key pattern that covers the keys)");
        }
        if (CHANNEL.matcher(reply).find()) {
            return Optional.of("&* (or a channel pattern that covers the channels)");
        }
        return Optional.of(
                "a permission (" + reply.substring(reply.indexOf("NOPERM")).strip() + ")");
    }

    /** {@code the user 'steward' lacks +bgsave}, or the reply itself when it is no NOPERM. */
    public static String explain(Target target, String reply) {
        return in(reply)
                .map(missing -> "the user '" + user(target) + "' lacks " + missing)
                .orElse(reply);
    }

    /** The ACL user the agent signs in as on this target: the configured username, else {@code default}. */
    public static String user(Target target) {
        if (target.uri().getCredentialsProvider() == null) {
            return "default";
        }
        try {
            RedisCredentials credentials =
                    target.uri().getCredentialsProvider().resolveCredentials().block();
            return credentials == null || !credentials.hasUsername() ? "default" : credentials.getUsername();
        } catch (RuntimeException unresolved) {
            return "default";
        }
    }
}
