package io.steward.collector;

import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;

/** Commands the agent sends that Lettuce has no {@link io.lettuce.core.protocol.CommandType} for. */
public enum RedisKeyword implements ProtocolKeyword {
    LATENCY;

    private final byte[] bytes = name().getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] getBytes() {
        return bytes;
    }
}
