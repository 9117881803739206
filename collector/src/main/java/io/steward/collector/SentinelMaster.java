package io.steward.collector;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A master as one Sentinel sees it: one entry of {@code SENTINEL MASTERS}. Times are in milliseconds, as the
 * Sentinel sends them; "ago" fields count back from the Sentinel's clock when it answered.
 *
 * @param failoverState the failover's state ({@code wait_promotion}, ...) while one is in progress, else empty
 * @param roleReported the role the server itself last reported ({@code master} or {@code slave})
 * @param configEpoch the epoch of the configuration that made this server the master; each failover raises it
 * @param replicas {@code num-slaves}: the replicas this Sentinel knows, up or not
 * @param otherSentinels {@code num-other-sentinels}: the Sentinels it knows besides itself, up or not
 */
public record SentinelMaster(
        String name,
        String host,
        int port,
        String runId,
        Set<String> flags,
        Optional<String> failoverState,
        long lastOkPingReplyMillis,
        OptionalLong subjectivelyDownMillis,
        OptionalLong objectivelyDownMillis,
        long downAfterMillis,
        long infoRefreshMillis,
        String roleReported,
        long configEpoch,
        int replicas,
        int otherSentinels,
        int quorum,
        long failoverTimeoutMillis,
        int parallelSyncs)
        implements SentinelInstance {

    public SentinelMaster {
        Objects.requireNonNull(name, "name");
        flags = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(flags));
    }

    /** Whether a failover of this master is under way, as far as this Sentinel knows. */
    public boolean failoverInProgress() {
        return flags.contains("failover_in_progress");
    }

    /** Every entry of a {@code SENTINEL MASTERS} reply, over RESP2 or RESP3. */
    static List<SentinelMaster> parse(Object reply) {
        return SentinelFields.entries("SENTINEL MASTERS", reply).stream()
                .map(SentinelMaster::of)
                .toList();
    }

    private static SentinelMaster of(SentinelFields fields) {
        return new SentinelMaster(
                fields.text("name"),
                fields.text("ip"),
                fields.small("port"),
                fields.text("runid"),
                fields.flags(),
                Optional.ofNullable(fields.textOr("failover-state", null)),
                fields.whole("last-ok-ping-reply"),
                fields.optionalWhole("s-down-time"),
                fields.optionalWhole("o-down-time"),
                fields.whole("down-after-milliseconds"),
                fields.whole("info-refresh"),
                fields.text("role-reported"),
                fields.whole("config-epoch"),
                fields.small("num-slaves"),
                fields.small("num-other-sentinels"),
                fields.small("quorum"),
                fields.whole("failover-timeout"),
                fields.small("parallel-syncs"));
    }
}
