package io.steward.collector;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A target's URI, checked: {@code redis://}, {@code rediss://} (TLS) or {@code redis-socket://}; {@code host:port}
 * alone means {@code redis://host:port}. A Sentinel group is Lettuce's
 * {@code redis-sentinel://h1:26379,h2:26379#mymaster}; a cluster's seeds may share one URI,
 * {@code redis://h1:7000,h2:7000}. Its messages never echo a password.
 */
public final class TargetUri {

    private static final Set<String> SCHEMES =
            Set.of("redis", "rediss", "redis-socket", "redis-sentinel", "rediss-sentinel");
    private static final int SENTINEL_PORT = 26379;

    private final String text;
    private final RedisURI uri;
    /** Every {@code host:port} the URI names: one, or a cluster's seeds, or the Sentinels. */
    private final List<String> hosts;

    private TargetUri(String text, RedisURI uri, List<String> hosts) {
        this.text = text;
        this.uri = uri;
        this.hosts = hosts;
    }

    /** Parses a URI; throws {@link IllegalArgumentException} naming what is wrong, for the operator. */
    public static TargetUri parse(String text) {
        String withScheme = text.contains("://") ? text.strip() : "redis://" + text.strip();
        String scheme = withScheme.substring(0, withScheme.indexOf("://")).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme
                    + "' (use redis://, rediss://, redis-socket:// or redis-sentinel://)");
        }
        List<String> hosts = scheme.equals("redis-socket") ? List.of() : hostsOf(withScheme, text);
        if (scheme.endsWith("-sentinel")) {
            return sentinel(withScheme, text, hosts);
        }
        // Lettuce reads one host: the others of a cluster's seed list are kept aside.
        String first = hosts.size() > 1 ? withScheme.replace(authorityHosts(withScheme), hosts.get(0)) : withScheme;
        RedisURI uri;
        try {
            uri = RedisURI.create(first);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            throw new IllegalArgumentException(
                    "'" + redact(text) + "' is not a Redis URI (for example redis://host:6379)");
        }
        if (uri.getSocket() == null && (uri.getHost() == null || uri.getHost().isBlank())) {
            throw new IllegalArgumentException("'" + redact(text) + "' names no host (for example redis://host:6379)");
        }
        return new TargetUri(first, uri, uri.getSocket() != null ? List.of() : hosts);
    }

    private static TargetUri sentinel(String withScheme, String text, List<String> hosts) {
        int hash = withScheme.indexOf('#');
        if ((hash < 0 || hash == withScheme.length() - 1) && !withScheme.contains("sentinelMasterId=")) {
            throw new IllegalArgumentException(noMaster(text));
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(withScheme);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            throw new IllegalArgumentException("'" + redact(text)
                    + "' is not a Sentinel URI (for example redis-sentinel://h1:26379,h2:26379#mymaster)");
        }
        if (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isBlank()) {
            throw new IllegalArgumentException(noMaster(text));
        }
        return new TargetUri(withScheme, uri, hosts);
    }

    private static String noMaster(String text) {
        return "'" + redact(text) + "' names no master: add the name the Sentinels monitor it under, for example"
                + " redis-sentinel://h1:26379,h2:26379#mymaster";
    }

    /** The {@code host:port} list between the scheme (and user info) and the path. */
    private static String authorityHosts(String withScheme) {
        int start = withScheme.indexOf("://") + 3;
        int end = start;
        while (end < withScheme.length() && "/?#".indexOf(withScheme.charAt(end)) < 0) {
            end++;
        }
        String authority = withScheme.substring(start, end);
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    private static List<String> hostsOf(String withScheme, String text) {
        boolean sentinel = withScheme.contains("-sentinel://");
        List<String> hosts = new ArrayList<>();
        for (String hostAndPort : authorityHosts(withScheme).split(",")) {
            if (hostAndPort.isBlank()) {
                continue;
            }
            int port = checkPort(hostAndPort, text);
            int colon = portColon(hostAndPort);
            String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
            hosts.add(host + ":" + (port > 0 ? port : sentinel ? SENTINEL_PORT : RedisURI.DEFAULT_REDIS_PORT));
        }
        return List.copyOf(hosts);
    }

    private static int portColon(String hostAndPort) {
        return hostAndPort.startsWith("[")
                ? hostAndPort.indexOf(':', Math.max(0, hostAndPort.indexOf(']')))
                : hostAndPort.lastIndexOf(':');
    }

    /**
     * Refuses a port that is not a number from 1 to 65535. Lettuce would take {@code host:notaport} for a host name
     * and fail later, looking it up.
     *
     * @return the port, or 0 when none is given
     */
    private static int checkPort(String hostAndPort, String text) {
        int colon = portColon(hostAndPort);
        if (colon < 0) {
            return 0; // the scheme's default port
        }
        String port = hostAndPort.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no valid port ('" + port
                    + "' is not a number from 1 to 65535; for example redis://host:6379)");
        }
        return Integer.parseInt(port);
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

    /** Whether this names a primary through its Sentinels ({@code redis-sentinel://...#master}). */
    public boolean isSentinel() {
        return uri.getSentinelMasterId() != null;
    }

    /** Every {@code host:port} the URI names: the server, a cluster's seeds, or the Sentinels. */
    public List<String> hosts() {
        return hosts;
    }

    /** {@code host:port}, or the socket path, or a group's hosts: the default name of a target. */
    public String address() {
        if (isSentinel()) {
            return uri.getSentinelMasterId();
        }
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    public boolean isSocket() {
        return uri.getSocket() != null;
    }

    public String host() {
        return uri.getSocket() != null ? uri.getSocket() : hostOf(hosts.get(0));
    }

    public int port() {
        return isSentinel()
                ? Integer.parseInt(hosts.get(0).substring(hosts.get(0).lastIndexOf(':') + 1))
                : uri.getPort();
    }

    private static String hostOf(String hostAndPort) {
        return hostAndPort.substring(0, hostAndPort.lastIndexOf(':'));
    }

    /** How the agent signs in: a username (null for the default user) and a password (null for none). */
    public record Login(String username, String password) {
        public static final Login NONE = new Login(null, null);

        @Override
        public String toString() {
            return username == null ? "Login[default user]" : "Login[" + username + "]";
        }
    }

    /**
     * The target this URI names: one server, or a Sentinel group. Credentials given here apply unless the URI
     * carries its own; the agent names its connections {@code redis-steward} so its own commands can be told
     * apart in CLIENT LIST and the slow log.
     *
     * @param name null for the address (a Sentinel group: its master name)
     * @param login how to sign in to the server, or to a group's data nodes
     * @param sentinelLogin how to sign in to a Sentinel group's Sentinels
     */
    public Target target(
            String name, Login login, Login sentinelLogin, Duration timeout, Duration pollInterval, TlsFiles tls) {
        if (hosts.size() > 1 && !isSentinel()) {
            throw new IllegalArgumentException("'" + redact(text) + "' names several servers: that is a cluster's"
                    + " seed list (set cluster: true, or --cluster)");
        }
        String chosen = name == null || name.isBlank() ? address() : name;
        if (!isSentinel()) {
            return new Target(chosen, template(uri.getHost(), uri.getPort(), login, timeout), pollInterval, tls);
        }
        String first = hosts.get(0);
        RedisURI data = template(hostOf(first), port(), login, timeout);
        RedisURI sentinels = template(hostOf(first), port(), sentinelLogin, timeout);
        Group group = new Group.Sentinel(uri.getSentinelMasterId(), hosts, sentinels);
        return new Target(chosen, data, pollInterval, tls, "", group);
    }

    /**
     * The Redis Cluster these seeds (this URI's hosts and {@code moreSeeds}') belong to.
     *
     * @param name null for the first seed's address
     */
    public Target cluster(
            String name,
            List<TargetUri> moreSeeds,
            Login login,
            Duration timeout,
            Duration pollInterval,
            TlsFiles tls) {
        if (isSentinel() || isSocket()) {
            throw new IllegalArgumentException(
                    "a cluster's seeds are redis:// or rediss:// URIs, not '" + redact(text) + "'");
        }
        Set<String> seeds = new LinkedHashSet<>(hosts);
        moreSeeds.forEach(seed -> seeds.addAll(seed.hosts()));
        String chosen = name == null || name.isBlank() ? hosts.get(0) : name;
        RedisURI data = template(uri.getHost(), uri.getPort(), login, timeout);
        return new Target(chosen, data, pollInterval, tls, "", new Group.Cluster(List.copyOf(seeds)));
    }

    private RedisURI template(String host, int port, Login login, Duration timeout) {
        RedisURI copy = isSentinel() ? new RedisURI(host, port, timeout) : RedisURI.create(text);
        if (isSentinel()) {
            copy.setSsl(uri.isSsl());
            copy.setVerifyPeer(uri.getVerifyMode());
            copy.setDatabase(uri.getDatabase());
            if (uri.getCredentialsProvider() != null) {
                copy.setCredentialsProvider(uri.getCredentialsProvider());
            }
        }
        if (login.password() != null && !hasUserInfo(text)) {
            copy.setCredentialsProvider(new StaticCredentialsProvider(
                    login.username(), login.password().toCharArray()));
        }
        copy.setTimeout(timeout);
        copy.setClientName("redis-steward");
        // No CLIENT SETINFO: Redis before 7.2 answers it with an error that would count in the operator's errorstats.
        copy.setLibraryName("");
        copy.setLibraryVersion("");
        return copy;
    }

    @Override
    public String toString() {
        return isSentinel() ? String.join(",", hosts) + "#" + address() : address();
    }
}
