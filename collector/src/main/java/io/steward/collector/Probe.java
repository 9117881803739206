package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thing the agent reads from Redis: the command and its parser (a {@link Request}), its cadence, the servers it
 * applies to, and what a refusal means. An essential probe's refusal fails the poll; any other probe's refusal
 * (ACL, managed Redis) leaves its reading {@link Reading.Unavailable} with the server's reason, and the command is
 * not sent again on that connection.
 *
 * <p>A probe belongs to one poller and is used on its thread only.
 */
final class Probe<T> {

    private static final Logger logger = LoggerFactory.getLogger(Probe.class);

    /** Sends the command(s) of one probe, without waiting. */
    @FunctionalInterface
    interface Request<T> {
        Pending<T> send(RedisAsyncCommands<String, String> redis);
    }

    /** A request that depends on what the server's last INFO said: the masters a Sentinel monitors, say. */
    @FunctionalInterface
    interface InfoRequest<T> {
        Pending<T> send(RedisAsyncCommands<String, String> redis, RedisInfo known);
    }

    /** A request on its way: waiting for it yields the parsed reply, or the server's refusal as an exception. */
    @FunctionalInterface
    interface Pending<T> {
        T await(Duration timeout) throws Exception;
    }

    /** What the parser of a reply does; pure, so it can be tested on real captures. */
    @FunctionalInterface
    interface Parser<R, T> {
        T parse(R reply);
    }

    /** The usual request: one command and a parser of its reply. */
    static <R, T> Request<T> command(
            java.util.function.Function<RedisAsyncCommands<String, String>, RedisFuture<R>> send, Parser<R, T> parse) {
        return redis -> {
            RedisFuture<R> reply = send.apply(redis);
            return timeout -> parse.parse(Replies.await(reply, timeout));
        };
    }

    private final String command;
    private final Cadence cadence;
    private final InfoRequest<T> request;
    private final boolean essential;
    private final Predicate<RedisInfo> appliesTo;
    private final String notApplicable;

    private Reading<T> reading;
    private String refusal;
    private Instant lastSent;
    private Pending<T> pending;

    private Probe(
            String command,
            Cadence cadence,
            InfoRequest<T> request,
            boolean essential,
            Predicate<RedisInfo> appliesTo,
            String notApplicable) {
        this.command = Objects.requireNonNull(command, "command");
        this.cadence = Objects.requireNonNull(cadence, "cadence");
        this.request = Objects.requireNonNull(request, "request");
        this.essential = essential;
        this.appliesTo = appliesTo;
        this.notApplicable = notApplicable;
        this.reading = Reading.unavailable(command + " not read yet");
    }

    /** A probe whose refusal fails the poll. */
    static <T> Probe<T> essential(String command, Request<T> request) {
        return new Probe<>(command, Cadence.everyPoll(), (redis, known) -> request.send(redis), true, null, null);
    }

    static <T> Probe<T> optional(String command, Cadence cadence, Request<T> request) {
        return new Probe<>(command, cadence, (redis, known) -> request.send(redis), false, null, null);
    }

    /**
     * An optional probe for the servers {@code applies} picks by their INFO, whose request is built from that INFO
     * (which is therefore known whenever it is sent, as for {@link #onlyWhere}).
     */
    static <T> Probe<T> optionalGivenInfo(
            String command,
            Cadence cadence,
            InfoRequest<T> request,
            Predicate<RedisInfo> applies,
            String notApplicable) {
        return new Probe<>(command, cadence, request, false, applies, notApplicable);
    }

    /**
     * A probe for some servers only, judged by their INFO; elsewhere its reading says {@code notApplicable}. The
     * last INFO of the connection decides, so it rides in the same round trip; on a connection's first poll it
     * follows INFO.
     */
    Probe<T> onlyWhere(Predicate<RedisInfo> applies, String notApplicable) {
        return new Probe<>(command, cadence, request, essential, applies, notApplicable);
    }

    String command() {
        return command;
    }

    Reading<T> reading() {
        return reading;
    }

    boolean conditional() {
        return appliesTo != null;
    }

    /**
     * Whether this poll should send it, given the INFO known of the server: null when none yet, which holds back a
     * conditional probe until this poll's INFO is known.
     */
    boolean due(long poll, Instant now, boolean inspect, RedisInfo known) {
        if (refusal != null || !cadence.due(poll, lastSent, now, inspect)) {
            return false;
        }
        if (appliesTo != null && known != null && !appliesTo.test(known)) {
            reading = Reading.unavailable(notApplicable);
            return false;
        }
        return appliesTo == null || known != null;
    }

    /** @param known the INFO {@link #due} was given */
    void send(RedisAsyncCommands<String, String> redis, Instant now, RedisInfo known) {
        pending = request.send(redis, known);
        lastSent = now;
    }

    /** Waits for the reply sent this poll, if any. A refusal of an optional probe becomes its reading. */
    void collect(Duration timeout, Target target) throws Exception {
        if (pending == null) {
            return;
        }
        Pending<T> sent = pending;
        pending = null;
        try {
            reading = Reading.of(sent.await(timeout));
        } catch (RedisCommandExecutionException | IllegalArgumentException | ClassCastException refused) {
            if (essential) {
                throw refused;
            }
            // A missing permission is named as the rule to grant, so the operator need not decode NOPERM.
            String why = MissingPermission.explain(target, RootCause.message(refused));
            refusal = command + " refused: " + why;
            reading = Reading.unavailable(refusal);
            logger.info("{} refuses {} ({}); what needs it is left out until it reconnects", target, command, why);
        }
    }

    /** A new connection: it may lead to another server, so every probe starts over. */
    void reset() {
        refusal = null;
        lastSent = null;
        pending = null;
    }
}
