package io.steward.collector;

import io.lettuce.core.RedisFuture;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Commands sent without waiting for their replies, at most {@value #MAX_COMMANDS} commands or {@value #MAX_BYTES}
 * bytes outstanding: past either, the buffered commands are flushed and the oldest replies awaited until half the
 * window is free, so the server always has work queued while the agent's memory stays bounded.
 *
 * <p>Replies are taken in the order the commands were sent, on the caller's thread. After the first refusal every
 * reply still outstanding is awaited (those that succeeded still count), then the refusal is thrown.
 */
final class ReplyWindow {

    static final int MAX_COMMANDS = 1000;
    static final long MAX_BYTES = 8L << 20;

    private final String server;
    private final Runnable flush;
    private final Deque<Sent> sent = new ArrayDeque<>();
    private long bytes;

    /** A reply to wait for, and what to do with it. */
    @FunctionalInterface
    private interface Reply {
        void take() throws InterruptedException, ExecutionException;
    }

    private record Sent(Reply reply, long bytes, String command, byte[] key) {}

    /** @param flush writes the commands buffered on the connection (nothing to do when it flushes each one) */
    ReplyWindow(String server, Runnable flush) {
        this.server = server;
        this.flush = flush;
    }

    /**
     * Counts a command just queued, and waits when the window is full.
     *
     * @param size about how many bytes the command takes on the wire
     * @param key for messages, or null
     */
    <T> void add(RedisFuture<T> reply, long size, String command, byte[] key, Consumer<? super T> onReply) {
        sent.add(new Sent(() -> onReply.accept(reply.get()), size, command, key));
        bytes += size;
        if (sent.size() >= MAX_COMMANDS || bytes >= MAX_BYTES) {
            flush.run();
            awaitUntil(MAX_COMMANDS / 2, MAX_BYTES / 2);
        }
    }

    /** Flushes and waits for every reply. */
    void sync() {
        flush.run();
        awaitUntil(0, 0);
    }

    private void awaitUntil(int commands, long byteLimit) {
        KeyLoadFailure failure = null;
        while (!sent.isEmpty() && (failure != null || sent.size() > commands || bytes > byteLimit)) {
            Sent oldest = sent.poll();
            bytes -= oldest.bytes();
            try {
                oldest.reply().take();
            } catch (ExecutionException refused) {
                if (failure == null) {
                    failure = KeyLoadFailure.of(server, oldest.command(), oldest.key(), refused.getCause());
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                sent.clear();
                bytes = 0;
                throw KeyLoadFailure.of(server, oldest.command(), oldest.key(), interrupted);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
