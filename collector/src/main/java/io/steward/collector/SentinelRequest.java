package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandType;
import io.steward.collector.SentinelState.MonitoredMaster;
import io.steward.collector.SentinelState.QuorumCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a poll asks a Sentinel, in the poll's one round trip: {@code SENTINEL MASTERS}, and for each master its last
 * INFO named {@code SENTINEL REPLICAS}, {@code SENTINEL SENTINELS} and {@code SENTINEL CKQUORUM} (what
 * redis_exporter reads). Naming the masters from INFO rather than from the MASTERS reply saves a round trip; a
 * master added since is read in full on the next poll.
 */
final class SentinelRequest {

    static final String NOT_YET = "the master was not yet known when the poll was sent";

    private SentinelRequest() {}

    private record PerMaster(
            RedisFuture<List<Object>> replicas, RedisFuture<List<Object>> sentinels, RedisFuture<String> ckquorum) {}

    static Probe.Pending<List<MonitoredMaster>> send(RedisAsyncCommands<String, String> redis, RedisInfo known) {
        RedisFuture<List<Object>> masters = sentinel(redis, "MASTERS");
        Map<String, PerMaster> perMaster = new LinkedHashMap<>();
        for (String name : SentinelState.Overview.from(known).masterLines().stream()
                .map(SentinelState.MasterLine::name)
                .toList()) {
            perMaster.put(
                    name,
                    new PerMaster(
                            sentinel(redis, "REPLICAS", name),
                            sentinel(redis, "SENTINELS", name),
                            redis.dispatch(
                                    CommandType.SENTINEL,
                                    new StatusOutput<>(StringCodec.UTF8),
                                    Replies.args("CKQUORUM", name))));
        }
        return timeout -> {
            List<MonitoredMaster> monitored = new ArrayList<>();
            for (SentinelMaster master : SentinelMaster.parse(Replies.await(masters, timeout))) {
                PerMaster sent = perMaster.get(master.name());
                monitored.add(
                        sent == null
                                ? new MonitoredMaster(
                                        master,
                                        Reading.unavailable(NOT_YET),
                                        Reading.unavailable(NOT_YET),
                                        Reading.unavailable(NOT_YET))
                                : new MonitoredMaster(
                                        master,
                                        reading("SENTINEL REPLICAS", sent.replicas(), timeout, SentinelReplica::parse),
                                        reading("SENTINEL SENTINELS", sent.sentinels(), timeout, SentinelPeer::parse),
                                        quorumCheck(sent.ckquorum(), timeout)));
            }
            return monitored;
        };
    }

    private static RedisFuture<List<Object>> sentinel(RedisAsyncCommands<String, String> redis, String... words) {
        return redis.dispatch(CommandType.SENTINEL, new NestedMultiOutput<>(StringCodec.UTF8), Replies.args(words));
    }

    /** One master's part: a refusal (the master removed since INFO, an ACL) leaves that part out, with the reason. */
    private static <T> Reading<T> reading(
            String command, RedisFuture<List<Object>> reply, Duration timeout, Function<Object, T> parse)
            throws Exception {
        try {
            return Reading.of(parse.apply(Replies.await(reply, timeout)));
        } catch (RedisCommandExecutionException | IllegalArgumentException refused) {
            return Reading.unavailable(command + " refused: " + RootCause.message(refused));
        }
    }

    /** CKQUORUM answers {@code +OK ...} when the quorum can be reached and an error {@code -NOQUORUM ...} when not. */
    private static Reading<QuorumCheck> quorumCheck(RedisFuture<String> reply, Duration timeout) throws Exception {
        try {
            return Reading.of(new QuorumCheck(true, Replies.await(reply, timeout)));
        } catch (RedisCommandExecutionException refused) {
            String message = String.valueOf(refused.getMessage());
            return message.startsWith("NOQUORUM")
                    ? Reading.of(new QuorumCheck(false, message))
                    : Reading.unavailable("SENTINEL CKQUORUM refused: " + message);
        }
    }
}
