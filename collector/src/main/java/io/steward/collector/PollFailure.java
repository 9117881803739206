package io.steward.collector;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.protocol.RedisProtocolException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Why a poll failed, as a short label value ({@code reason="auth"}) and a sentence for logs. */
public enum PollFailure {
    CONNECT("connect"),
    AUTH("auth"),
    TLS("tls"),
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

    /**
     * Sorts an exception from Lettuce or the network into a reason. The whole cause chain is searched for each
     * reason in turn, most specific first: a TLS failure arrives wrapped in a decoder error, an auth failure
     * inside a connection error.
     */
    public static PollFailure classify(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        if (anyMessage(chain, "WRONGPASS", "NOAUTH", "INVALID PASSWORD", "INVALID USERNAME-PASSWORD")) {
            return AUTH;
        }
        if (chain.stream().anyMatch(t -> t instanceof SSLException)) {
            return TLS;
        }
        if (chain.stream().anyMatch(t -> upper(t).startsWith("NOPERM") || upper(t).contains("UNKNOWN COMMAND"))) {
            return REFUSED;
        }
        if (chain.stream()
                .anyMatch(t -> t instanceof RedisCommandTimeoutException
                        || t instanceof TimeoutException
                        || t instanceof ConnectTimeoutException)) {
            return TIMEOUT;
        }
        if (chain.stream()
                .anyMatch(t -> t instanceof RedisProtocolException
                        || t instanceof DecoderException
                        || t instanceof UnexpectedReplyException)) {
            return PROTOCOL;
        }
        if (chain.stream()
                .anyMatch(t -> t instanceof ConnectException
                        || t instanceof UnknownHostException
                        || t instanceof ClosedChannelException
                        || t instanceof RedisConnectionException)) {
            return CONNECT;
        }
        return ERROR;
    }

    /** A sentence for the operator: what failed on which server and what to check. Never holds credentials. */
    public String describe(Target target, Throwable failure) {
        String detail = RootCause.message(failure);
        return switch (this) {
            case CONNECT -> "cannot connect to " + target.address() + ": " + detail;
            case AUTH ->
                "authentication to " + target.address() + " failed: " + detail
                        + " (check the username and the password file or variable)";
            case TLS ->
                "TLS with " + target.address() + " failed: " + detail
                        + " (check the CA file, the client certificate and that the port speaks TLS)";
            case TIMEOUT ->
                target.address() + " did not answer within "
                        + target.uri().getTimeout().toMillis() + " ms";
            case PROTOCOL -> target.address() + " did not answer like a Redis server: " + detail;
            case REFUSED ->
                MissingPermission.in(detail).isPresent()
                        ? target.address() + " refused INFO: " + MissingPermission.explain(target, detail)
                        : target.address() + " refused INFO: " + detail + " (grant +info to the agent's user)";
            case ERROR -> "polling " + target.address() + " failed: " + detail;
        };
    }

    private static boolean anyMessage(List<Throwable> chain, String... fragments) {
        return chain.stream().anyMatch(t -> Arrays.stream(fragments).anyMatch(upper(t)::contains));
    }

    private static String upper(Throwable t) {
        return String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
    }
}
