package io.steward.cli;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.steward.collector.Target;
import io.steward.collector.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns config entries, {@code --redis} flags and {@code /scrape?target=} values into {@link Target}s. */
final class TargetFactory {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-socket");

    private final Map<String, String> env;
    private final Duration defaultTimeout;

    TargetFactory(Map<String, String> env, Duration defaultTimeout) {
        this.env = env;
        this.defaultTimeout = defaultTimeout;
    }

    Target fromEntry(StewardConfig.TargetEntry entry, int index) {
        String where = "targets[" + index + "]";
        if (entry.uri() == null || entry.uri().isBlank()) {
            throw new ConfigException(where + ".uri: missing (for example uri: redis://localhost:6379)");
        }
        Credentials credentials =
                Credentials.resolve(entry.username(), entry.passwordFile(), entry.passwordEnv(), env, where);
        Duration interval = entry.pollInterval() == null
                ? Target.DEFAULT_POLL_INTERVAL
                : Durations.parse(entry.pollInterval(), where + ".poll-interval");
        Duration timeout =
                entry.timeout() == null ? defaultTimeout : Durations.parse(entry.timeout(), where + ".timeout");
        RedisURI uri = parse(entry.uri(), where + ".uri", credentials, timeout);
        String name = entry.name() == null || entry.name().isBlank() ? defaultName(uri) : entry.name();
        StewardConfig.Tls tls = entry.tls() == null ? new StewardConfig.Tls(null, null, null) : entry.tls();
        return new Target(name, uri, interval, tlsFiles(uri, tls, where + ".tls"));
    }

    /**
     * Checks the TLS files of a target: each readable, a certificate with its key, and only with {@code rediss://}.
     *
     * @param where the key path or flag prefix, for error messages
     */
    static TlsFiles tlsFiles(RedisURI uri, StewardConfig.Tls tls, String where) {
        Path ca = readable(tls.caFile(), where + ".ca-file");
        Path cert = readable(tls.certFile(), where + ".cert-file");
        Path key = readable(tls.keyFile(), where + ".key-file");
        if ((cert == null) != (key == null)) {
            throw new ConfigException(where + ": a client certificate needs both cert-file and key-file");
        }
        TlsFiles files = new TlsFiles(ca, cert, key);
        if (!files.isEmpty() && !uri.isSsl()) {
            throw new ConfigException(
                    where + ": TLS files are given but the URI is not rediss:// (use rediss://host:port)");
        }
        return files;
    }

    private static Path readable(String file, String where) {
        if (file == null || file.isBlank()) {
            return null;
        }
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new ConfigException(where + ": cannot read " + file);
        }
        return path;
    }

    /**
     * A target from a URI given on the command line or over HTTP. {@code host:port} without a scheme means
     * {@code redis://host:port}.
     *
     * @param allowPasswordInUri false for argv, where a password would show in {@code ps}
     */
    Target fromUri(
            String text,
            String where,
            Credentials credentials,
            StewardConfig.Tls tls,
            Duration interval,
            boolean allowPasswordInUri) {
        RedisURI uri = parse(text, where, credentials, defaultTimeout);
        if (!allowPasswordInUri && hasPassword(text)) {
            throw new ConfigException(where + ": put the password in --password-file or REDIS_PASSWORD, not in the URI"
                    + " (a URI on the command line shows in ps and shell history)");
        }
        // TLS files given as flags apply to the rediss:// targets among the flags, not to plain ones.
        TlsFiles files = uri.isSsl() ? tlsFiles(uri, tls, "--tls") : TlsFiles.NONE;
        return new Target(defaultName(uri), uri, interval, files);
    }

    private static RedisURI parse(String text, String where, Credentials credentials, Duration timeout) {
        String withScheme = text.contains("://") ? text.strip() : "redis://" + text.strip();
        String scheme = withScheme.substring(0, withScheme.indexOf("://")).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new ConfigException(
                    where + ": unsupported scheme '" + scheme + "' (use redis://, rediss:// or redis-socket://)");
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(withScheme);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            throw new ConfigException(
                    where + ": '" + redact(text) + "' is not a Redis URI (for example redis://host:6379)");
        }
        if (uri.getSocket() == null && (uri.getHost() == null || uri.getHost().isBlank())) {
            throw new ConfigException(where + ": '" + redact(text) + "' names no host (for example redis://host:6379)");
        }
        if (!credentials.isEmpty() && !hasPassword(withScheme)) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(
                    credentials.username(), credentials.password().toCharArray()));
        }
        uri.setTimeout(timeout);
        uri.setClientName("redis-steward");
        return uri;
    }

    /** Whether the URI carries user info, which Lettuce reads as a password (with or without a username). */
    private static boolean hasPassword(String text) {
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        return scheme >= 0 && at > scheme + 3;
    }

    /** The URI without anything between the scheme and the host, where a password would be. */
    static String redact(String text) {
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        return at > scheme && scheme >= 0 ? text.substring(0, scheme + 3) + "****@" + text.substring(at + 1) : text;
    }

    private static String defaultName(RedisURI uri) {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }
}
