package io.steward.collector;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Commands sent without waiting for their replies, at most {@value #MAX_COMMANDS} commands or {@value #MAX_BYTES}
 * bytes outstanding: past either, the buffered commands are flushed and the oldest replies taken until half the
 * window is free, so the server always has work queued while the agent's memory stays bounded.
 *
 * <p>Replies are taken in the order the commands were sent, on the caller's thread. After the first refusal every
 * reply still outstanding is taken too (those that succeeded still count), then the refusal is thrown.
 */
final class ReplyWindow {

    static final int MAX_COMMANDS = 1000;
    static final long MAX_BYTES = 8L << 20;
    /** About what a command costs on the wire beyond its key and value. */
    static final int OVERHEAD = 48;

    private final String server;
    private final Runnable flush;
    private final long timeoutNanos;
    private final Deque<Sent> sent = new ArrayDeque<>();
    private long bytes;

    private record Sent(RedisFuture<?> reply, Consumer<Object> onReply, long bytes, String command, byte[] key) {}

    /**
     * @param flush writes the commands buffered on the connection (nothing to do when it flushes each one)
     * @param timeout how long the caller may wait for a reply
     */
    ReplyWindow(String server, Runnable flush, Duration timeout) {
        this.server = server;
        this.flush = flush;
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Counts a command just queued, and waits when the window is full.
     *
     * @param size about how many bytes the command takes on the wire
     * @param key for messages, or null
     */
    @SuppressWarnings("unchecked")
    <T> void add(RedisFuture<T> reply, long size, String command, byte[] key, Consumer<? super T> onReply) {
        sent.add(new Sent(reply, value -> onReply.accept((T) value), size, command, key));
        bytes += size;
        if (sent.size() >= MAX_COMMANDS || bytes >= MAX_BYTES) {
            flush.run();
            awaitUntil(MAX_COMMANDS / 2, MAX_BYTES / 2);
        }
    }

    /** {@code EXISTS key}; {@code ifExists} runs once its reply says the key is there. */
    void exists(RedisKeyAsyncCommands<byte[], byte[]> redis, byte[] key, Runnable ifExists) {
        add(redis.exists(key), key.length + OVERHEAD, "EXISTS", key, count -> {
            if (count != null && count > 0) {
                ifExists.run();
            }
        });
    }

    /**
     * {@code RESTORE key ttl payload [ABSTTL] [REPLACE]}; {@code onRestored} runs once it answered.
     *
     * @param expireAtMillis when the key expires, as a Unix time in milliseconds; 0 for never
     */
    void restore(
            RedisKeyAsyncCommands<byte[], byte[]> redis,
            byte[] key,
            long expireAtMillis,
            byte[] payload,
            boolean replace,
            Runnable onRestored) {
        RestoreArgs args = new RestoreArgs().replace(replace);
        if (expireAtMillis > 0) {
            args.ttl(expireAtMillis).absttl();
        }
        add(redis.restore(key, payload, args), key.length + payload.length + OVERHEAD, "RESTORE", key, ok -> {
            onRestored.run();
        });
    }

    /** Flushes and waits for every reply. */
    void sync() {
        flush.run();
        awaitUntil(0, 0);
    }

    private void awaitUntil(int commands, long byteLimit) {
        int toTake = 0;
        long left = bytes;
        Sent last = null;
        for (Sent each : sent) {
            if (sent.size() - toTake <= commands && left <= byteLimit) {
                break;
            }
            toTake++;
            left -= each.bytes();
            last = each;
        }
        if (last == null) {
            return;
        }
        // One deadline for all: a server that stopped answering holds the caller up once, not once per command.
        long deadline = System.nanoTime() + timeoutNanos;
        // One wait for the newest reply needed: a connection answers in order, so the older ones are in by then, and
        // the caller wakes once per window rather than once per reply.
        KeyLoadFailure failure = settle(last, deadline);
        for (int i = 0; i < toTake || (failure != null && !sent.isEmpty()); i++) {
            Sent oldest = sent.poll();
            bytes -= oldest.bytes();
            KeyLoadFailure refused = take(oldest, deadline);
            if (failure == null) {
                failure = refused;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits until the reply is in; a failure only when it does not come in time. */
    private KeyLoadFailure settle(Sent command, long deadline) {
        try {
            command.reply().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException refused) {
            return null; // taken in its turn
        } catch (TimeoutException unanswered) {
            return unanswered(command);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return KeyLoadFailure.of(server, command.command(), command.key(), interrupted);
        }
    }

    /** Hands a reply to its command's callback; a refusal, a reply not in by the deadline, is returned. */
    private KeyLoadFailure take(Sent command, long deadline) {
        try {
            command.onReply()
                    .accept(command.reply().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            return null;
        } catch (ExecutionException refused) {
            return KeyLoadFailure.of(server, command.command(), command.key(), refused.getCause());
        } catch (TimeoutException unanswered) {
            command.reply().cancel(false);
            return unanswered(command);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return KeyLoadFailure.of(server, command.command(), command.key(), interrupted);
        }
    }

    private KeyLoadFailure unanswered(Sent command) {
        return KeyLoadFailure.of(
                server,
                command.command(),
                command.key(),
                new RedisCommandTimeoutException("no reply within " + timeoutNanos / 1_000_000 + " ms"));
    }
}
