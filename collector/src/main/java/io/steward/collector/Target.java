package io.steward.collector;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;

/**
 * A Redis server to watch. The URI carries the credentials, so it is never printed: {@link #toString()}
 * and {@link #address()} name the server without them. {@code tls} applies to {@code rediss://} URIs.
 *
 * @param node empty for a server watched on its own; for a member of a group, its {@code host:port}, while
 *     {@code name} is the group's
 */
public record Target(String name, RedisURI uri, Duration pollInterval, TlsFiles tls, String node) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(node, "node");
        if (name.isBlank()) {
            throw new IllegalArgumentException("target name must not be blank");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval of target " + name + " must be positive");
        }
    }

    public Target(String name, RedisURI uri, Duration pollInterval, TlsFiles tls) {
        this(name, uri, pollInterval, tls, "");
    }

    public Target(String name, RedisURI uri, Duration pollInterval) {
        this(name, uri, pollInterval, TlsFiles.NONE);
    }

    /** Whether this is one member of a group target. */
    public boolean isMember() {
        return !node.isEmpty();
    }

    /** Unique among the agent's targets: the name, and for a group's member its node too. */
    public String key() {
        return isMember() ? name + "/" + node : name;
    }

    /** {@code host:port} (or the socket path), without scheme or credentials. */
    public String address() {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public String toString() {
        if (isMember()) {
            return name + " node " + node;
        }
        return name.equals(address()) ? name : name + " (" + address() + ")";
    }
}
