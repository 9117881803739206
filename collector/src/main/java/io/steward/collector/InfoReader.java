package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Asks one server for INFO in the richest form it takes, and as cheaply as that allows.
 *
 * <p>The form steps down from {@code INFO everything} to {@code INFO all} to plain {@code INFO} on servers that
 * refuse a form or answer it with nothing (older Redis, some managed services), and stays there. On servers that
 * take several sections (Redis 7.0 and later), every poll but each {@value #FULL_POLLS}th asks only for
 * {@link #LIGHT_SECTIONS}: what is left out is the costliest part of INFO for Redis (latencystats computes three
 * percentiles for every command ever called) and changes slowly (the percentiles are cumulative since the last
 * reset), so the last full reply's copy stands in.
 */
final class InfoReader {

    static final int FULL_POLLS = 4;
    private static final String[] LIGHT_SECTIONS = {
        "server",
        "clients",
        "memory",
        "persistence",
        "stats",
        "replication",
        "cpu",
        "commandstats",
        "errorstats",
        "cluster",
        "keyspace",
        // A Sentinel's masters, which its SENTINEL reads of the same poll are about.
        "sentinel"
    };
    /** The full forms tried in turn; null is plain {@code INFO} without an argument. */
    private static final List<String> FULL_FORMS = Arrays.asList("everything", "all", null);
    /** The sections a light reply leaves out, taken from the last full one. */
    private static final String[] SLOW_SECTIONS = {"latencystats", "modules"};

    private final Duration timeout;
    private int form;
    private int pollsSinceFull;
    private boolean lightAccepted;
    private boolean lightRefused;
    private boolean lastSentLight;
    private final InfoParser parser = new InfoParser();
    /** The last full reply, whose slow sections complete the light ones. */
    private RedisInfo lastFull;

    InfoReader(Duration timeout) {
        this.timeout = timeout;
    }

    /** A new connection may lead to another server behind the same address: start over with a full reply. */
    void reset() {
        pollsSinceFull = 0;
    }

    RedisFuture<String> send(RedisAsyncCommands<String, String> commands) {
        lastSentLight = pollsSinceFull != 0 && lightAccepted;
        pollsSinceFull = (pollsSinceFull + 1) % FULL_POLLS;
        return lastSentLight
                ? commands.dispatch(
                        CommandType.INFO, new StatusOutput<>(StringCodec.UTF8), Replies.args(LIGHT_SECTIONS))
                : sendFull(commands);
    }

    /** Whether the last {@link #send} asked for everything: the poll on which slow-changing details are refreshed too. */
    boolean sentFull() {
        return !lastSentLight;
    }

    RedisInfo read(RedisAsyncCommands<String, String> commands, RedisFuture<String> sent) throws Exception {
        return lastSentLight ? readLight(commands, sent) : readFull(commands, sent);
    }

    private RedisInfo readLight(RedisAsyncCommands<String, String> commands, RedisFuture<String> light)
            throws Exception {
        String text;
        try {
            text = Replies.await(light, timeout);
        } catch (RedisCommandExecutionException refused) {
            text = null;
        }
        if (!looksLikeInfo(text)) {
            // A server that claims 7.0 but takes one section only: the full form from now on.
            lightRefused = true;
            return readFull(commands, sendFull(commands));
        }
        return parser.readCompletedBy(text, lastFull, SLOW_SECTIONS);
    }

    private RedisInfo readFull(RedisAsyncCommands<String, String> commands, RedisFuture<String> first)
            throws Exception {
        RedisFuture<String> pending = first;
        while (true) {
            boolean lastForm = form == FULL_FORMS.size() - 1;
            String text;
            try {
                text = Replies.await(pending, timeout);
            } catch (RedisCommandExecutionException refused) {
                if (lastForm || PollFailure.classify(refused) == PollFailure.REFUSED) {
                    throw refused;
                }
                text = null;
            }
            if (looksLikeInfo(text)) {
                RedisInfo info = parser.read(text);
                lastFull = info;
                lightAccepted = form == 0 && !lightRefused && acceptsSeveralSections(info);
                return info;
            }
            if (lastForm) {
                throw new UnexpectedReplyException("the reply to INFO is not Redis INFO text");
            }
            form++;
            pending = sendFull(commands);
        }
    }

    private RedisFuture<String> sendFull(RedisAsyncCommands<String, String> commands) {
        String section = FULL_FORMS.get(form);
        return section == null ? commands.info() : commands.info(section);
    }

    /** {@code INFO} takes several sections from Redis 7.0 on (Valkey reports 7.2 compatibility and up). */
    private static boolean acceptsSeveralSections(RedisInfo info) {
        String version = info.text("redis_version", "0");
        try {
            return Integer.parseInt(version.substring(0, Math.max(1, version.indexOf('.')))) >= 7;
        } catch (NumberFormatException unknown) {
            return false;
        }
    }

    private static boolean looksLikeInfo(String text) {
        return text != null && text.contains("# Server");
    }
}
