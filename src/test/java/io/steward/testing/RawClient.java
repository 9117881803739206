package io.steward.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare TCP connection to a redis-server that sends commands and reads replies only when told to: a client that
 * floods its output buffer by never reading, blocks in BLPOP, or just holds a connection slot.
 */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RawClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Sends one inline command ({@code GET big}) without waiting for the reply. */
    public RawClient send(String inlineCommand) {
        try {
            out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Reads what has arrived, up to {@code max} bytes, waiting at most the socket timeout for the first byte. */
    public String read(int max) {
        try {
            byte[] buffer = new byte[max];
            int n = in.read(buffer);
            return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
