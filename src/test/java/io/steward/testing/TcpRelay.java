package io.steward.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between clients and a real server that can, once the clients have sent a given number of bytes, stall
 * the link in one of two ways, as a client sees it:
 *
 * <ul>
 *   <li>{@link #holdAfter hold}: the rest of what clients send is not read, so their writes back up as against a
 *       frozen peer, until {@link #release()} passes it all on: a congested link, a store that paused.
 *   <li>{@link #blackHoleAfter black hole}: the rest is read and dropped, nothing comes back, and new connections
 *       are accepted and never answered: a store that hung mid-request and stays hung.
 * </ul>
 */
public final class TcpRelay implements AutoCloseable {

    private enum Stall {
        HOLD,
        BLACK_HOLE
    }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** How many more bytes of what clients send may pass; {@link Long#MAX_VALUE}: no limit. */
    private long allowance = Long.MAX_VALUE;

    private Stall stall = Stall.HOLD;
    private boolean closed;
    /** Everything clients sent, one stream per connection, when recording; null otherwise. */
    private final List<java.io.ByteArrayOutputStream> sent;

    private TcpRelay(ServerSocket listener, int upstreamPort, boolean recording) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        this.sent = recording ? new CopyOnWriteArrayList<>() : null;
    }

    /** A relay on a free loopback port to the server on {@code upstreamPort}, passing everything. */
    public static TcpRelay to(int upstreamPort) {
        return start(upstreamPort, false);
    }

    /**
     * A relay that passes everything and keeps a copy of what clients send, to look at the requests as they went over
     * the wire ({@link #sentByClients()}). Keep what passes small: it is all in memory.
     */
    public static TcpRelay recordingTo(int upstreamPort) {
        return start(upstreamPort, true);
    }

    /** What clients have sent so far: each connection's bytes, in the order the connections were made. */
    public List<byte[]> sentByClients() {
        return sent.stream()
                .map(connection -> {
                    synchronized (connection) {
                        return connection.toByteArray();
                    }
                })
                .toList();
    }

    private static TcpRelay start(int upstreamPort, boolean recording) {
        try {
            TcpRelay relay =
                    new TcpRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort, recording);
            daemon("relay-accept", relay::accept);
            return relay;
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Passes at most {@code bytes} more of what clients send, then holds the rest back until {@link #release()}. */
    public synchronized void holdAfter(long bytes) {
        stall = Stall.HOLD;
        allowance = bytes;
        notifyAll();
    }

    /** Passes at most {@code bytes} more of what clients send, then drops everything, both ways, for good. */
    public synchronized void blackHoleAfter(long bytes) {
        stall = Stall.BLACK_HOLE;
        allowance = bytes;
        notifyAll();
    }

    /** Passes everything again, the bytes held back first. */
    public synchronized void release() {
        allowance = Long.MAX_VALUE;
        notifyAll();
    }

    /** Whether the link is stalled: the allowance is used up. */
    public synchronized boolean isStalled() {
        return allowance == 0;
    }

    private synchronized boolean blackHoled() {
        return allowance == 0 && stall == Stall.BLACK_HOLE;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (blackHoled()) {
                    daemon("relay-drop", () -> drop(client));
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(server);
                daemon("relay-up", () -> pumpUp(client, server));
                daemon("relay-down", () -> pumpDown(server, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Client to server, within the allowance. */
    private void pumpUp(Socket client, Socket server) {
        byte[] buffer = new byte[64 * 1024];
        java.io.ByteArrayOutputStream record = null;
        if (sent != null) {
            record = new java.io.ByteArrayOutputStream();
            sent.add(record);
        }
        try (InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream()) {
            while (true) {
                int granted = take(buffer.length);
                if (granted == 0) {
                    drop(client);
                    return;
                }
                int n = in.read(buffer, 0, granted);
                giveBack(granted, Math.max(n, 0));
                if (n < 0) {
                    break;
                }
                if (record != null) {
                    synchronized (record) {
                        record.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // either side went away
        }
        if (!blackHoled()) {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    /** Server to client, until the link is a black hole; then the server's answers and its closing are lost. */
    private void pumpDown(Socket server, Socket client) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = server.getInputStream()) {
            OutputStream out = client.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!blackHoled()) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException gone) {
            // either side went away
        }
        if (!blackHoled()) {
            closeQuietly(client);
        }
    }

    /** Reads and forgets everything the client sends, answering nothing. */
    private static void drop(Socket client) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException gone) {
            // the client gave up
        }
    }

    /**
     * Waits while the link is held and takes up to {@code wanted} bytes of the allowance; 0 once it is a black
     * hole.
     */
    private synchronized int take(int wanted) throws InterruptedException {
        while (allowance == 0 && stall == Stall.HOLD && !closed) {
            wait();
        }
        if (closed) {
            throw new InterruptedException("relay closed");
        }
        if (allowance == 0) {
            return 0;
        }
        int granted = (int) Math.min(wanted, allowance);
        if (allowance != Long.MAX_VALUE) {
            allowance -= granted;
        }
        return granted;
    }

    /** Returns the part of a grant that was not read. */
    private synchronized void giveBack(int granted, int read) {
        if (allowance != Long.MAX_VALUE) {
            allowance += granted - read;
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(TcpRelay::closeQuietly);
    }
}
