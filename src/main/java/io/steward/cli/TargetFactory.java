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

/**
 * Turns entries of the config file and URIs of the command line into {@link Target}s, checking each part and
 * naming a mistake by the key or flag it was given under.
 */
final class TargetFactory {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-socket");

    private TargetFactory() {}

    /** @param defaultTimeout for an entry without {@code timeout} */
    static Target fromEntry(ConfigFile file, int index, Map<String, String> env, Duration defaultTimeout) {
        StewardConfig.TargetEntry entry = file.values().targets().get(index);
        String key = "targets[" + index + "]";
        if (entry.uri() == null || entry.uri().isBlank()) {
            throw new ConfigException(file.at(key + ".uri") + ": missing (for example uri: redis://localhost:6379)");
        }
        Credentials credentials = Credentials.fromConfig(
                entry.username(),
                entry.passwordFile(),
                entry.passwordEnv(),
                file,
                key,
                "password-file",
                "password-env",
                env);
        Duration interval = entry.pollInterval() == null
                ? Target.DEFAULT_POLL_INTERVAL
                : Durations.parse(entry.pollInterval(), file.at(key + ".poll-interval"));
        Duration timeout =
                entry.timeout() == null ? defaultTimeout : Durations.parse(entry.timeout(), file.at(key + ".timeout"));
        RedisURI uri = parse(entry.uri(), file.at(key + ".uri"), credentials, timeout);
        String name = entry.name() == null || entry.name().isBlank() ? defaultName(uri) : entry.name();
        if (name.equals(OnDemandScrapes.TARGET_LABEL)) {
            throw new ConfigException(file.at(key + ".name") + ": '" + name + "' is the target label of the errors of"
                    + " /scrape (steward_poll_errors_total{target=\"scrape\"}); choose another name");
        }
        StewardConfig.Tls tls = entry.tls() == null ? new StewardConfig.Tls(null, null, null) : entry.tls();
        return new Target(name, uri, interval, tlsFiles(uri, tls, TlsNames.inConfig(file, key + ".tls")));
    }

    /**
     * A target from a URI on the command line. {@code host:port} without a scheme means {@code redis://host:port}. A
     * password in the URI is refused: it would show in {@code ps} and the shell history.
     */
    static Target fromUri(String text, String where, UriTargets how) {
        if (hasUserInfo(text)) {
            throw new ConfigException(where + ": put the password in --password-file or REDIS_PASSWORD, not in the URI"
                    + " (a URI on the command line shows in ps and shell history)");
        }
        RedisURI uri = parse(text, where, how.credentials(), how.timeout());
        // TLS files given as flags apply to the rediss:// targets among the flags, not to plain ones.
        TlsFiles files = uri.isSsl() ? tlsFiles(uri, how.tls(), TlsNames.FLAGS) : TlsFiles.NONE;
        return new Target(defaultName(uri), uri, how.pollInterval(), files);
    }

    /** The names TLS files were given under, for messages: keys of the config file, or flags. */
    record TlsNames(String section, String caFile, String certFile, String keyFile) {

        static final TlsNames FLAGS = new TlsNames("--tls", "--tls-ca-file", "--tls-cert-file", "--tls-key-file");

        static TlsNames inConfig(ConfigFile file, String section) {
            return new TlsNames(
                    file.at(section),
                    file.at(section + ".ca-file"),
                    file.at(section + ".cert-file"),
                    file.at(section + ".key-file"));
        }
    }

    /** Checks the TLS files of a target: each readable, a certificate with its key, and only with rediss://. */
    private static TlsFiles tlsFiles(RedisURI uri, StewardConfig.Tls tls, TlsNames names) {
        Path ca = readable(tls.caFile(), names.caFile());
        Path cert = readable(tls.certFile(), names.certFile());
        Path key = readable(tls.keyFile(), names.keyFile());
        if ((cert == null) != (key == null)) {
            throw new ConfigException((cert == null ? names.keyFile() : names.certFile())
                    + ": a client certificate needs both " + leaf(names.certFile()) + " and " + leaf(names.keyFile()));
        }
        TlsFiles files = new TlsFiles(ca, cert, key);
        if (!files.isEmpty() && !uri.isSsl()) {
            throw new ConfigException(
                    names.section() + ": TLS files are given but the URI is not rediss:// (use rediss://host:port)");
        }
        return files;
    }

    /** {@code cert-file} of {@code steward.yaml:9:7: targets[0].tls.cert-file}; a flag is its own leaf. */
    private static String leaf(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
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

    /** @param where the key or flag the URI was given under, for messages */
    static RedisURI parse(String text, String where, Credentials credentials, Duration timeout) {
        String withScheme = text.contains("://") ? text.strip() : "redis://" + text.strip();
        String scheme = withScheme.substring(0, withScheme.indexOf("://")).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new ConfigException(
                    where + ": unsupported scheme '" + scheme + "' (use redis://, rediss:// or redis-socket://)");
        }
        if (!scheme.equals("redis-socket")) {
            checkPort(withScheme, text, where);
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
        if (!credentials.isEmpty() && !hasUserInfo(withScheme)) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(
                    credentials.username(), credentials.password().toCharArray()));
        }
        uri.setTimeout(timeout);
        uri.setClientName("redis-steward");
        return uri;
    }

    /**
     * Refuses a port that is not a number from 1 to 65535. Lettuce would take {@code host:notaport} for a host name
     * and fail later, looking it up.
     */
    private static void checkPort(String withScheme, String text, String where) {
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
            throw new ConfigException(where + ": '" + redact(text) + "' has no valid port ('" + port
                    + "' is not a number from 1 to 65535; for example redis://host:6379)");
        }
    }

    /** Whether the URI carries user info, which Lettuce reads as a password (with or without a username). */
    static boolean hasUserInfo(String text) {
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
