package io.steward.collector;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What stopped a {@link KeyLoader}: the server could not be reached or signed in to, is not the kind the loader was
 * opened for, or refused a command. The message is the server's own words (or the network's) and never holds
 * credentials.
 */
public final class KeyLoadFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int KEY_SHOWN = 60;

    /** What went wrong, in the terms an operator acts on. */
    public enum Kind {
        /** Connection refused, unknown host, TLS or protocol failure, or the connection broke. */
        UNREACHABLE,
        /** Wrong username or password, or a password is needed. */
        AUTH,
        /** The server did not answer in time. */
        TIMEOUT,
        /** {@code NOPERM}: the user may not run the command (or touch the key). */
        NO_PERMISSION,
        /** The server cannot read the payload: its RDB version is newer than the server's, or it is damaged. */
        PAYLOAD_REJECTED,
        /** {@code OOM}: maxmemory reached. */
        OUT_OF_MEMORY,
        /** {@code MOVED}, {@code ASK}, {@code TRYAGAIN}, {@code CLUSTERDOWN}: slots moved or the cluster is down. */
        CLUSTER_REDIRECT,
        /** {@code READONLY}: the server is a replica. */
        READ_ONLY,
        /** {@code BUSYKEY}: the key exists and was not to be replaced. */
        KEY_EXISTS,
        /** The server is a cluster node, but the loader was opened for a single server. */
        CLUSTER_NODE,
        /** The seed is not in cluster mode, but the loader was opened for a cluster. */
        NOT_A_CLUSTER,
        /** The cluster does not serve all its slots ({@code cluster_state} is not {@code ok}). */
        CLUSTER_DOWN,
        /** Any other error reply. */
        ERROR_REPLY
    }

    private final Kind kind;
    private final String server;
    private final String command;
    private final String key;

    KeyLoadFailure(Kind kind, String server, String command, byte[] key, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.server = server;
        this.command = command;
        this.key = key == null ? null : printable(key);
    }

    /** Sorts a failure of {@code command} (on {@code key}, or null) at {@code server}. */
    static KeyLoadFailure of(String server, String command, byte[] key, Throwable failure) {
        String detail = RootCause.message(failure);
        return new KeyLoadFailure(kind(failure, detail), server, command, key, detail, failure);
    }

    private static Kind kind(Throwable failure, String detail) {
        String reply = detail.toUpperCase(Locale.ROOT);
        if (reply.startsWith("NOPERM")) {
            return Kind.NO_PERMISSION;
        }
        switch (PollFailure.classify(failure)) {
            case AUTH:
                return Kind.AUTH;
            case TIMEOUT:
                return Kind.TIMEOUT;
            case CONNECT, TLS, PROTOCOL:
                return Kind.UNREACHABLE;
            default:
                break;
        }
        if (reply.contains("DUMP PAYLOAD VERSION") || reply.contains("BAD DATA FORMAT")) {
            return Kind.PAYLOAD_REJECTED;
        }
        if (reply.startsWith("OOM")) {
            return Kind.OUT_OF_MEMORY;
        }
        if (reply.startsWith("MOVED")
                || reply.startsWith("ASK")
                || reply.startsWith("TRYAGAIN")
                || reply.startsWith("CLUSTERDOWN")
                || reply.contains("CANNOT DETERMINE A PARTITION")) {
            return Kind.CLUSTER_REDIRECT;
        }
        if (reply.startsWith("READONLY")) {
            return Kind.READ_ONLY;
        }
        if (reply.startsWith("BUSYKEY")) {
            return Kind.KEY_EXISTS;
        }
        return failure instanceof io.lettuce.core.RedisCommandExecutionException ? Kind.ERROR_REPLY : Kind.UNREACHABLE;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Where it failed: the server's {@code host:port}, or {@code the cluster of host:port} (its seed) for a refusal
     * of one of a cluster's nodes.
     */
    public String server() {
        return server;
    }

    /** The command refused ({@code RESTORE}, {@code EXISTS}, {@code SELECT 3}, {@code INFO}), or null. */
    public String command() {
        return command;
    }

    /** The key of the refused command, printable and shortened, or null. */
    public String key() {
        return key;
    }

    /**
     * A key as an operator can read it: its text when it is printable UTF-8, with other bytes as {@code \xNN}, cut
     * after {@value #KEY_SHOWN} characters.
     */
    public static String printable(byte[] key) {
        String text = new String(key, StandardCharsets.UTF_8);
        boolean clean = java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), key)
                && text.codePoints().noneMatch(Character::isISOControl);
        StringBuilder shown = new StringBuilder();
        if (clean) {
            shown.append(text);
        } else {
            for (byte b : key) {
                int c = b & 0xff;
                shown.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return shown.length() > KEY_SHOWN ? shown.substring(0, KEY_SHOWN) + "..." : shown.toString();
    }
}
