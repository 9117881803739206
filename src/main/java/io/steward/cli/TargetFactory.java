package io.steward.cli;

import io.steward.collector.Target;
import io.steward.collector.TargetUri;
import io.steward.collector.TargetUri.Login;
import io.steward.collector.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        boolean noUri = entry.uri() == null || entry.uri().isBlank();
        if (noUri && !(entry.isCluster() && !entry.seeds().isEmpty())) {
            throw new ConfigException(file.at(key + ".uri") + ": missing (for example uri: redis://localhost:6379)");
        }
        if (!entry.seeds().isEmpty() && !entry.isCluster()) {
            throw new ConfigException(file.at(key + ".seeds") + ": seeds are a cluster's; add cluster: true");
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
        Credentials sentinelCredentials = Credentials.fromConfig(
                entry.sentinelUsername(),
                entry.sentinelPasswordFile(),
                entry.sentinelPasswordEnv(),
                file,
                key,
                "sentinel-password-file",
                "sentinel-password-env",
                env);
        List<TargetUri> seeds = new ArrayList<>();
        for (int i = 0; i < entry.seeds().size(); i++) {
            seeds.add(parse(entry.seeds().get(i), file.at(key + ".seeds[" + i + "]")));
        }
        TargetUri uri = noUri ? seeds.remove(0) : parse(entry.uri(), file.at(key + ".uri"));
        String uriKey = file.at(key + (noUri ? ".seeds[0]" : ".uri"));
        if (!sentinelCredentials.isEmpty() && !uri.isSentinel()) {
            throw new ConfigException(file.at(key + ".sentinel-password-file") + ": Sentinel credentials are for a"
                    + " redis-sentinel:// URI (for example redis-sentinel://h1:26379,h2:26379#mymaster)");
        }
        if (entry.isCluster() && uri.isSentinel()) {
            throw new ConfigException(uriKey + ": a cluster is found from redis:// seeds, not a redis-sentinel:// URI");
        }
        String name = entry.name() == null || entry.name().isBlank() ? uri.address() : entry.name();
        if (name.equals(OnDemandScrapes.TARGET_LABEL)) {
            throw new ConfigException(file.at(key + ".name") + ": '" + name + "' is the target label of the errors of"
                    + " /scrape (steward_poll_errors_total{target=\"scrape\"}); choose another name");
        }
        StewardConfig.Tls tls = entry.tls() == null ? new StewardConfig.Tls(null, null, null) : entry.tls();
        TlsFiles files = tlsFiles(uri, tls, TlsNames.inConfig(file, key + ".tls"));
        try {
            return entry.isCluster()
                    ? uri.cluster(name, seeds, credentials.login(), timeout, interval, files)
                    : uri.target(name, credentials.login(), sentinelCredentials.login(), timeout, interval, files);
        } catch (IllegalArgumentException invalid) {
            throw new ConfigException(uriKey + ": " + invalid.getMessage());
        }
    }

    /**
     * A target from a URI on the command line. {@code host:port} without a scheme means {@code redis://host:port}. A
     * password in the URI is refused: it would show in {@code ps} and the shell history.
     */
    static Target fromUri(String text, String where, UriTargets how) {
        if (TargetUri.hasUserInfo(text)) {
            throw new ConfigException(where + ": put the password in --password-file or REDIS_PASSWORD, not in the URI"
                    + " (a URI on the command line shows in ps and shell history)");
        }
        TargetUri uri = parse(text, where);
        // TLS files given as flags apply to the rediss:// targets among the flags, not to plain ones.
        TlsFiles files = uri.isTls() ? tlsFiles(uri, how.tls(), TlsNames.FLAGS) : TlsFiles.NONE;
        Login login = how.credentials().login();
        try {
            if (how.cluster()) {
                if (uri.isSentinel()) {
                    throw new ConfigException(where + ": --cluster takes redis:// seeds, not a redis-sentinel:// URI");
                }
                return uri.cluster(null, List.of(), login, how.timeout(), how.pollInterval(), files);
            }
            return uri.target(null, login, how.sentinelCredentials().login(), how.timeout(), how.pollInterval(), files);
        } catch (IllegalArgumentException invalid) {
            throw new ConfigException(where + ": " + invalid.getMessage());
        }
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
    private static TlsFiles tlsFiles(TargetUri uri, StewardConfig.Tls tls, TlsNames names) {
        Path ca = readable(tls.caFile(), names.caFile());
        Path cert = readable(tls.certFile(), names.certFile());
        Path key = readable(tls.keyFile(), names.keyFile());
        if ((cert == null) != (key == null)) {
            throw new ConfigException((cert == null ? names.keyFile() : names.certFile())
                    + ": a client certificate needs both " + leaf(names.certFile()) + " and " + leaf(names.keyFile()));
        }
        TlsFiles files = new TlsFiles(ca, cert, key);
        if (!files.isEmpty() && !uri.isTls()) {
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
    static TargetUri parse(String text, String where) {
        try {
            return TargetUri.parse(text);
        } catch (IllegalArgumentException invalid) {
            throw new ConfigException(where + ": " + invalid.getMessage());
        }
    }
}
