package io.steward.collector;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * A full copy of a server's data as a replica receives it: the handshake ({@code AUTH}, {@code REPLCONF capa eof},
 * {@code REPLCONF rdb-only 1}, {@code PSYNC ? -1}), then the RDB as a stream that ends where the RDB ends.
 *
 * <p>The server answers {@code +FULLRESYNC <replid> <offset>}, sends a newline now and then while it prepares the
 * RDB (a save of its own, a child already running, the diskless delay), then either {@code $<length>} and that
 * many bytes (a save to disk) or {@code $EOF:<40 bytes>}, the RDB and the same 40 bytes (diskless). Before Redis
 * 7.0 {@code rdb-only} is unknown and the server would go on with its write stream: the connection is closed as
 * soon as the RDB has been read, so the server drops this replica.
 *
 * <p>{@code idleTimeout} is the replica's {@code repl-timeout}: silence for that long, newlines included, breaks the
 * copy. {@code prepareTimeout} bounds the wait for the RDB to begin.
 */
public final class ReplicaSync implements AutoCloseable {

    private static final int MARK_LENGTH = 40;

    /** What the server said before the RDB: its replication id and offset, and the RDB's length when it told it. */
    public record Handshake(String replicationId, long offset, OptionalLong length) {
        public boolean diskless() {
            return length.isEmpty();
        }
    }

    private final Socket socket;
    private final Handshake handshake;
    private final InputStream rdb;

    /**
     * Performs the handshake on a connected socket and waits for the RDB to begin.
     *
     * @param credentials {@code [user, password]}, {@code [password]} or none
     */
    static ReplicaSync start(Socket socket, List<String> credentials, Duration idleTimeout, Duration prepareTimeout)
            throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        OutputStream out = socket.getOutputStream();
        try {
            if (!credentials.isEmpty()) {
                String[] auth = new String[credentials.size() + 1];
                auth[0] = "AUTH";
                for (int i = 0; i < credentials.size(); i++) {
                    auth[i + 1] = credentials.get(i);
                }
                expectOk(send(out, in, auth), "AUTH");
            }
            expectOk(send(out, in, "REPLCONF", "capa", "eof"), "REPLCONF capa eof");
            // Unknown before Redis 7.0: the connection is closed after the RDB instead.
            send(out, in, "REPLCONF", "rdb-only", "1");
            // A diskless server answers PSYNC only when its save begins; newlines keep the wait alive until then.
            long deadline = System.nanoTime() + prepareTimeout.toNanos();
            write(out, "PSYNC", "?", "-1");
            String reply = afterKeepalives(in, deadline, prepareTimeout);
            if (!reply.startsWith("+FULLRESYNC")) {
                throw refusal(reply, "PSYNC");
            }
            String[] parts = reply.split(" ");
            if (parts.length < 3) {
                throw new UnexpectedReplyException("PSYNC answered '" + reply + "'");
            }
            String header = afterKeepalives(in, deadline, prepareTimeout);
            Handshake handshake;
            byte[] mark = null;
            if (header.startsWith("$EOF:")) {
                mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
                if (mark.length != MARK_LENGTH) {
                    throw new UnexpectedReplyException("the RDB's end mark is not 40 bytes: '" + header + "'");
                }
                handshake = new Handshake(parts[1], Long.parseLong(parts[2]), OptionalLong.empty());
            } else if (header.startsWith("$")) {
                long length = Long.parseLong(header.substring(1));
                handshake = new Handshake(parts[1], Long.parseLong(parts[2]), OptionalLong.of(length));
            } else if (header.startsWith("-")) {
                throw refusal(header, "the full sync");
            } else {
                throw new UnexpectedReplyException("expected the RDB, got '" + header + "'");
            }
            return new ReplicaSync(socket, handshake, in, mark);
        } catch (SocketTimeoutException silent) {
            throw new SyncTimeoutException(
                    "the server sent nothing for " + idleTimeout.toSeconds() + " s (repl-timeout)", silent);
        } catch (NumberFormatException garbled) {
            throw new UnexpectedReplyException("a number in the sync's header is not one: " + garbled.getMessage());
        }
    }

    private ReplicaSync(Socket socket, Handshake handshake, InputStream in, byte[] mark) {
        this.socket = socket;
        this.handshake = handshake;
        this.rdb = mark == null ? new CountedPayload(in, handshake.length().getAsLong()) : new MarkedPayload(in, mark);
    }

    public Handshake handshake() {
        return handshake;
    }

    /** The RDB, from its first byte to its last; a connection that breaks before the end is an {@link IOException}. */
    public InputStream rdb() {
        return rdb;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    /** Skips the keepalive newlines, then returns the next line. */
    private static String afterKeepalives(InputStream in, long deadline, Duration prepareTimeout) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new EOFException("the server closed the connection before sending the RDB");
            }
            if (first == '\n') {
                if (System.nanoTime() > deadline) {
                    throw new SyncTimeoutException(
                            "the server did not begin sending the RDB within " + prepareTimeout.toSeconds() + " s",
                            null);
                }
                continue;
            }
            return (char) first + line(in);
        }
    }

    private static String send(OutputStream out, InputStream in, String... args) throws IOException {
        write(out, args);
        String reply;
        do {
            reply = line(in);
        } while (reply.isEmpty()); // a keepalive newline can come before a reply
        return reply;
    }

    private static void write(OutputStream out, String... args) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            command.writeBytes(bytes);
            command.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(command.toByteArray());
        out.flush();
    }

    private static void expectOk(String reply, String command) {
        if (!reply.startsWith("+")) {
            throw refusal(reply, command);
        }
    }

    private static RedisCommandFailure refusal(String reply, String command) {
        String message = reply.startsWith("-") ? reply.substring(1) : reply;
        PollFailure reason = PollFailure.classify(new IllegalStateException(message));
        return new RedisCommandFailure(
                reason == PollFailure.ERROR && !reply.startsWith("-") ? PollFailure.PROTOCOL : reason,
                reply.startsWith("-"),
                command + ": " + message,
                null);
    }

    /** One line without its CR LF. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (line.size() > 4096) {
                throw new UnexpectedReplyException("a reply line longer than 4 KiB");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The silence limit passed, or the RDB did not begin in time. */
    public static final class SyncTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        SyncTimeoutException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code $<length>}: exactly that many bytes. */
    private static final class CountedPayload extends InputStream {
        private final InputStream in;
        private final long length;
        private long left;

        CountedPayload(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(count, left));
            if (n < 0) {
                throw new EOFException("the server closed the connection after " + (length - left) + " of " + length
                        + " bytes of the RDB");
            }
            left -= n;
            return n;
        }
    }

    /**
     * {@code $EOF:<mark>}: everything up to the mark. The newest 40 bytes are never handed out before more follow,
     * since they may be the mark; nothing follows the mark (the server closes, or waits for an ACK never sent).
     */
    private static final class MarkedPayload extends InputStream {
        private final InputStream in;
        private final byte[] mark;
        private final byte[] buffer = new byte[(1 << 16) + MARK_LENGTH];
        private int start;
        private int end;
        private long handedOut;
        private boolean ended;

        MarkedPayload(InputStream in, byte[] mark) {
            this.in = in;
            this.mark = mark;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            while (true) {
                int ready = ended ? end - start : end - start - MARK_LENGTH;
                if (ready > 0) {
                    int n = Math.min(count, ready);
                    System.arraycopy(buffer, start, into, offset, n);
                    start += n;
                    handedOut += n;
                    return n;
                }
                if (ended) {
                    return -1;
                }
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    throw new EOFException("the server closed the connection after " + (handedOut + end)
                            + " bytes of the RDB, before its end mark");
                }
                end += n;
                if (end >= MARK_LENGTH && Arrays.equals(buffer, end - MARK_LENGTH, end, mark, 0, MARK_LENGTH)) {
                    ended = true;
                    end -= MARK_LENGTH;
                }
            }
        }
    }
}
