package io.steward.collector;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;

/**
 * Opens connections to targets. One Lettuce client and one small set of I/O threads serve every target.
 *
 * <p>Lettuce's own reconnect is off: a connection that breaks is closed and the poller opens a new one on its
 * next attempt, so every failure is seen, classified and counted rather than queued behind a silent retry.
 */
public final class RedisConnector implements AutoCloseable {

    private final ClientResources resources;
    private final RedisClient client;

    /** @param connectTimeout how long to wait for a TCP connection; command timeouts come from each target's URI */
    public RedisConnector(Duration connectTimeout) {
        this(connectTimeout, ProtocolVersion.newestSupported());
    }

    /** With a fixed protocol, for tests that compare what RESP2 and RESP3 connections see. */
    RedisConnector(Duration connectTimeout, ProtocolVersion protocol) {
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled())
                .protocolVersion(protocol)
                .build());
    }

    public StatefulRedisConnection<String, String> connect(Target target) {
        return client.connect(StringCodec.UTF8, target.uri());
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
