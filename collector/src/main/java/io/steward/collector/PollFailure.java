package io.steward.collector;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.protocol.RedisProtocolException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a poll failed, as a short label value ({@code reason="auth"}) and a sentence for logs. */
public enum PollFailure {
    CONNECT("connect"),
    AUTH("auth"),
    TIMEOUT("timeout"),
    PROTOCOL("protocol"),
    REFUSED("refused"),
    ERROR("error");

    private final String label;

    PollFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Sorts an exception from Lettuce or the network into a reason by walking its causes. */
    public static PollFailure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("INVALID PASSWORD")
                    || message.contains("INVALID USERNAME-PASSWORD")) {
                return AUTH;
            }
            if (message.startsWith("NOPERM") || message.contains("UNKNOWN COMMAND")) {
                return REFUSED;
            }
            if (t instanceof RedisCommandTimeoutException || t instanceof TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof ClosedChannelException) {
                return CONNECT;
            }
            if (t instanceof RedisProtocolException || t instanceof io.netty.handler.codec.DecoderException) {
                return PROTOCOL;
            }
        }
        if (failure instanceof RedisConnectionException) {
            return CONNECT;
        }
        return ERROR;
    }
}
