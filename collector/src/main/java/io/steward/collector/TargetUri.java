package io.steward.collector;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * A target's URI, checked: {@code redis://}, {@code rediss://} (TLS) or {@code redis-socket://}; {@code host:port}
 * alone means {@code redis://host:port}. Its messages never echo a password.
 */
public final class TargetUri {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-socket");

    private final String text;
    private final RedisURI uri;

    private TargetUri(String text, RedisURI uri) {
        this.text = text;
        this.uri = uri;
    }

    /** Parses a URI; throws {@link IllegalArgumentException} naming what is wrong, for the operator. */
    public static TargetUri parse(String text) {
        String withScheme = text.contains("://") ? text.strip() : "redis://" + text.strip();
        String scheme = withScheme.substring(0, withScheme.indexOf("://")).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException(
                    "unsupported scheme '" + scheme + "' (use redis://, rediss:// or redis-socket://)");
        }
        if (!scheme.equals("redis-socket")) {
            checkPort(withScheme, text);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(withScheme);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            throw new IllegalArgumentException(
                    "'" + redact(text) + "' is not a Redis URI (for example redis://host:6379)");
        }
        if (uri.getSocket() == null && (uri.getHost() == null || uri.getHost().isBlank())) {
            throw new IllegalArgumentException("'" + redact(text) + "' names no host (for example redis://host:6379)");
        }
        return new TargetUri(withScheme, uri);
    }

    /**
     * Refuses a port that is not a number from 1 to 65535. Lettuce would take {@code host:notaport} for a host name
     * and fail later, looking it up.
     */
    private static void checkPort(String withScheme, String text) {
        int start = withScheme.indexOf("://") + 3;
        int end = start;
        while (end < withScheme.length() && "/?#".indexOf(withScheme.charAt(end)) < 0) {
            end++;
        }
        String authority = withScheme.substring(start, end);
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostAndPort.startsWith("[")
                ? hostAndPort.indexOf(':', Math.max(0, hostAndPort.indexOf(']')))
                : hostAndPort.lastIndexOf(':');
        if (colon < 0) {
            return; // no port: 6379
        }
        String port = hostAndPort.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no valid port ('" + port
                    + "' is not a number from 1 to 65535; for example redis://host:6379)");
        }
    }

    /** Whether the URI carries user info, which Lettuce reads as a password (with or without a username). */
    public static boolean hasUserInfo(String text) {
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        return scheme >= 0 && at > scheme + 3;
    }

    /** The URI without anything between the scheme and the host, where a password would be. */
    public static String redact(String text) {
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        return at > scheme && scheme >= 0 ? text.substring(0, scheme + 3) + "****@" + text.substring(at + 1) : text;
    }

    public boolean isTls() {
        return uri.isSsl();
    }

    /** {@code host:port}, or the socket path: the default name of a target. */
    public String address() {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    public boolean isSocket() {
        return uri.getSocket() != null;
    }

    public String host() {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost();
    }

    public int port() {
        return uri.getPort();
    }

    /**
     * The target this URI names. Credentials given here apply unless the URI carries its own; the agent names its
     * connections {@code redis-steward} so its own commands can be told apart in CLIENT LIST and the slow log.
     *
     * @param name null for the address
     * @param username null for the default user
     * @param password null for none
     */
    public Target target(
            String name, String username, String password, Duration timeout, Duration pollInterval, TlsFiles tls) {
        RedisURI copy = RedisURI.create(text);
        if (password != null && !hasUserInfo(text)) {
            copy.setCredentialsProvider(new StaticCredentialsProvider(username, password.toCharArray()));
        }
        copy.setTimeout(timeout);
        copy.setClientName("redis-steward");
        // No CLIENT SETINFO: Redis before 7.2 answers it with an error that would count in the operator's errorstats.
        copy.setLibraryName("");
        copy.setLibraryVersion("");
        return new Target(name == null || name.isBlank() ? address() : name, copy, pollInterval, tls);
    }

    @Override
    public String toString() {
        return address();
    }
}
