package io.steward.collector;

import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * A Redis server to watch. The URI carries the credentials, so it is never printed: {@link #toString()}
 * and {@link #address()} name the server without them. {@code tls} applies to {@code rediss://} URIs.
 *
 * @param node empty for a server watched on its own; for a member of a group, its {@code host:port}, while
 *     {@code name} is the group's
 * @param group {@link Group#NONE} for one server; else the group the agent discovers from this target
 */
public record Target(String name, RedisURI uri, Duration pollInterval, TlsFiles tls, String node, Group group) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        if (name.isBlank()) {
            throw new IllegalArgumentException("target name must not be blank");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval of target " + name + " must be positive");
        }
    }

    /** One server: on its own, or as the member {@code node} of group {@code name}. */
    public Target(String name, RedisURI uri, Duration pollInterval, TlsFiles tls, String node) {
        this(name, uri, pollInterval, tls, node, Group.NONE);
    }

    public Target(String name, RedisURI uri, Duration pollInterval, TlsFiles tls) {
        this(name, uri, pollInterval, tls, "", Group.NONE);
    }

    public Target(String name, RedisURI uri, Duration pollInterval) {
        this(name, uri, pollInterval, TlsFiles.NONE);
    }

    /** Whether connections are TLS ({@code rediss://}). */
    public boolean isTls() {
        return uri.isSsl();
    }

    /** Whether the server is reached over a unix socket ({@code redis-socket://}), not host and port. */
    public boolean isSocket() {
        return uri.getSocket() != null;
    }

    /** Whether the agent discovers the servers of this target: a Sentinel group or a cluster. */
    public boolean isGroup() {
        return group != Group.NONE;
    }

    /**
     * The target of one member of this group: the group's name, the member's address, and the credentials of the
     * group's data nodes, or of its Sentinels for a Sentinel.
     */
    public Target member(Member member) {
        RedisURI template = member.kind() == Member.Kind.SENTINEL && group instanceof Group.Sentinel sentinel
                ? sentinel.sentinelUri()
                : uri;
        RedisURI copy = new RedisURI(member.host(), member.port(), template.getTimeout());
        copy.setCredentialsProvider(template.getCredentialsProvider());
        copy.setSsl(template.isSsl());
        copy.setVerifyPeer(template.getVerifyMode());
        copy.setDatabase(template.getDatabase());
        copy.setClientName(template.getClientName());
        copy.setLibraryName(template.getLibraryName());
        copy.setLibraryVersion(template.getLibraryVersion());
        return new Target(name, copy, pollInterval, tls, member.node(), Group.NONE);
    }

    /** Whether this is one member of a group target. */
    public boolean isMember() {
        return !node.isEmpty();
    }

    /** Unique among the agent's targets: the name, and for a group's member its node too. */
    public String key() {
        return isMember() ? name + "/" + node : name;
    }

    /** {@code host:port} (or the socket path), without scheme or credentials; a group's entry points. */
    public String address() {
        if (isGroup()) {
            String hosts = String.join(",", group.entryPoints());
            return group instanceof Group.Sentinel sentinel ? hosts + "#" + sentinel.masterName() : hosts;
        }
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    /**
     * The address with its host name resolved ({@code 127.0.0.1:6379} for {@code localhost:6379}), so two spellings
     * of one server compare equal; the socket path for a socket, the address as given when the name does not resolve.
     */
    public String resolvedAddress() {
        if (isSocket() || isGroup()) {
            return address();
        }
        try {
            return InetAddress.getByName(uri.getHost()).getHostAddress() + ":" + uri.getPort();
        } catch (UnknownHostException unknown) {
            return address();
        }
    }

    /** Whether the server runs on this host: a Unix socket, or an address of one of this host's interfaces. */
    public boolean isOnThisHost() {
        if (isSocket()) {
            return true;
        }
        if (isGroup()) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(uri.getHost());
            return address.isLoopbackAddress()
                    || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException unknown) {
            return false;
        }
    }

    @Override
    public String toString() {
        if (isMember()) {
            return name + " node " + node;
        }
        return name.equals(address()) ? name : name + " (" + address() + ")";
    }
}
