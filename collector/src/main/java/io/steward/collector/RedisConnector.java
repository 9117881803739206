package io.steward.collector;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Opens connections to targets. One Lettuce client and one small set of I/O threads serve every target.
 *
 * <p>Lettuce's own reconnect is off: a connection that breaks is closed and the poller opens a new one on its
 * next attempt, so every failure is seen, classified and counted rather than queued behind a silent retry.
 */
public final class RedisConnector implements AutoCloseable {

    private final ClientResources resources;
    private final ClientOptions options;
    private final RedisClient client;
    private final Duration connectTimeout;
    private final Map<TlsFiles, RedisClient> tlsClients = new ConcurrentHashMap<>();

    /** @param connectTimeout how long to wait for a TCP connection; command timeouts come from each target's URI */
    public RedisConnector(Duration connectTimeout) {
        this(connectTimeout, null);
    }

    /**
     * With a fixed protocol, for tests that compare what RESP2 and RESP3 connections see; null lets Lettuce try
     * RESP3 and fall back to RESP2 on servers without {@code HELLO}.
     */
    RedisConnector(Duration connectTimeout, ProtocolVersion protocol) {
        this.connectTimeout = connectTimeout;
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .build();
        this.options = ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(connectTimeout)
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled())
                .protocolVersion(protocol)
                // CLIENT MAINT_NOTIFICATIONS is a managed-Redis command: elsewhere an error reply in the errorstats.
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build();
        this.client = clientWith(options);
    }

    StatefulRedisConnection<String, String> connect(Target target) {
        return withHandshakeRetry(() -> clientFor(target.tls()).connect(StringCodec.UTF8, target.uri()));
    }

    /**
     * When a server answers the handshake faster than Netty reports the connection (a wrong password on loopback),
     * Lettuce can find its handshake handler already gone and report that instead of the server's reply. The reply
     * is what the operator needs, so such a connect is tried again; the race is rare, a repeat of it rarer.
     */
    private static <C> C withHandshakeRetry(Supplier<C> connect) {
        for (int attempt = 1; ; attempt++) {
            try {
                return connect.get();
            } catch (RuntimeException failure) {
                if (attempt == 3 || !lostHandshake(failure)) {
                    throw failure;
                }
            }
        }
    }

    private static boolean lostHandshake(Throwable failure) {
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IllegalStateException
                    && String.valueOf(t.getMessage()).contains("HandshakeHandler")) {
                return true;
            }
        }
        return false;
    }

    /** A session for one backup, on a connection of its own. */
    public SaveControl openSaveControl(Target target) {
        try {
            return new RedisSaveControl(connect(target), (idle, prepare) -> openReplicaSync(target, idle, prepare));
        } catch (io.lettuce.core.RedisException failure) {
            throw RedisCommandFailure.of(failure);
        }
    }

    /**
     * Starts a full sync with the target as a replica would, and waits for its RDB to begin. The caller reads
     * {@link ReplicaSync#rdb()} to its end, then closes.
     *
     * @param idleTimeout how long the server may stay silent (its keepalive newlines count), as {@code repl-timeout}
     * @param prepareTimeout how long the server may take before the RDB begins
     */
    public ReplicaSync openReplicaSync(Target target, Duration idleTimeout, Duration prepareTimeout) {
        if (target.isSocket()) {
            throw new RedisCommandFailure(
                    PollFailure.CONNECT,
                    false,
                    "a replication sync goes over TCP; " + target.address() + " is a Unix socket (back it up from"
                            + " its local file)",
                    null);
        }
        RedisURI uri = target.uri();
        Socket socket = null;
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) connectTimeout.toMillis());
            socket.setKeepAlive(true);
            if (uri.isSsl()) {
                socket = TlsSockets.wrap(socket, target);
            }
            return ReplicaSync.start(socket, credentials(uri), idleTimeout, prepareTimeout);
        } catch (IOException | RuntimeException failure) {
            closeQuietly(socket);
            if (failure instanceof RedisCommandFailure refused) {
                throw refused;
            }
            throw new RedisCommandFailure(
                    failure instanceof ReplicaSync.SyncTimeoutException || failure instanceof SocketTimeoutException
                            ? PollFailure.TIMEOUT
                            : PollFailure.classify(failure),
                    false,
                    RootCause.message(failure),
                    failure);
        }
    }

    private static List<String> credentials(RedisURI uri) {
        if (uri.getCredentialsProvider() == null) {
            return List.of();
        }
        RedisCredentials credentials =
                uri.getCredentialsProvider().resolveCredentials().block();
        if (credentials == null || !credentials.hasPassword()) {
            return List.of();
        }
        String password = new String(credentials.getPassword());
        return credentials.hasUsername() ? List.of(credentials.getUsername(), password) : List.of(password);
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the failure being reported matters more
            }
        }
    }

    /**
     * A loader of keys into the target, on connections of its own: the cluster a {@link Group.Cluster} target's seeds
     * belong to, else the one server. Throws {@link KeyLoadFailure} when the target cannot be reached or signed in
     * to, or is not what it was given as (a cluster node given as one server, or the reverse).
     */
    public KeyLoader openKeyLoader(Target target) {
        StatefulRedisConnection<byte[], byte[]> first;
        try {
            first = withHandshakeRetry(() -> clientFor(target.tls()).connect(ByteArrayCodec.INSTANCE, target.uri()));
        } catch (io.lettuce.core.RedisException failure) {
            throw KeyLoadFailure.of(target.address(), null, null, failure);
        }
        if (!(target.group() instanceof Group.Cluster cluster)) {
            return StandaloneKeyLoader.open(first, target);
        }
        List<RedisURI> seeds = cluster.entryPoints().stream()
                .map(seed -> nodeUri(target.uri(), seed))
                .toList();
        RedisClusterClient clusterClient = RedisClusterClient.create(resources, seeds);
        clusterClient.setOptions(
                ClusterClientOptions.builder(optionsFor(target.tls())).build());
        return ClusterKeyLoader.open(first, clusterClient, target);
    }

    /**
     * A connection to a scratch server a restore drill started on {@code host:port}: plain TCP, no credentials (the
     * drill starts it without any, bound to loopback). Throws {@link RedisCommandFailure} while nothing listens there.
     */
    public ScratchServer openScratchServer(String host, int port, Duration timeout) {
        RedisURI uri = RedisURI.builder()
                .withHost(host)
                .withPort(port)
                .withTimeout(timeout)
                .withClientName("redis-steward-drill")
                .build();
        try {
            return new RedisScratchServer(withHandshakeRetry(() -> client.connect(StringCodec.UTF8, uri)));
        } catch (io.lettuce.core.RedisException failure) {
            throw RedisCommandFailure.of(failure);
        }
    }

    /** The template's credentials, TLS and timeout, at another {@code host:port}. */
    private static RedisURI nodeUri(RedisURI template, String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        RedisURI copy = new RedisURI(
                hostAndPort.substring(0, colon),
                Integer.parseInt(hostAndPort.substring(colon + 1)),
                template.getTimeout());
        copy.setCredentialsProvider(template.getCredentialsProvider());
        copy.setSsl(template.isSsl());
        copy.setVerifyPeer(template.getVerifyMode());
        copy.setClientName(template.getClientName());
        copy.setLibraryName(template.getLibraryName());
        copy.setLibraryVersion(template.getLibraryVersion());
        return copy;
    }

    /** Lettuce keeps TLS material per client, so targets that share their files share a client. */
    private RedisClient clientFor(TlsFiles tls) {
        if (tls.isEmpty()) {
            return client;
        }
        return tlsClients.computeIfAbsent(tls, files -> clientWith(optionsFor(files)));
    }

    private ClientOptions optionsFor(TlsFiles tls) {
        if (tls.isEmpty()) {
            return options;
        }
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (tls.caFile() != null) {
            ssl.trustManager(tls.caFile().toFile());
        }
        if (tls.certFile() != null) {
            ssl.keyManager(tls.certFile().toFile(), tls.keyFile().toFile(), new char[0]);
        }
        return options.mutate().sslOptions(ssl.build()).build();
    }

    private RedisClient clientWith(ClientOptions clientOptions) {
        RedisClient created = RedisClient.create(resources);
        created.setOptions(clientOptions);
        return created;
    }

    @Override
    public void close() {
        tlsClients.values().forEach(tlsClient -> tlsClient.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
