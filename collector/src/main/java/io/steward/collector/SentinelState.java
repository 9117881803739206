package io.steward.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one Sentinel knows: its INFO sentinel section, and for each master it monitors its view of the master, the
 * master's replicas, the other Sentinels and the quorum.
 *
 * @param masters unavailable when the Sentinel refused {@code SENTINEL MASTERS} (an ACL), with its reason
 * @param config its own settings, read on the poller's config cadence; unavailable before Redis 6.2
 */
public record SentinelState(Overview overview, Reading<List<MonitoredMaster>> masters, Reading<SentinelConfig> config) {

    public SentinelState {
        Objects.requireNonNull(overview, "overview");
        masters = masters.map(List::copyOf);
        Objects.requireNonNull(config, "config");
    }

    /**
     * INFO's sentinel section.
     *
     * @param tiltSinceSeconds how long the Sentinel has been in TILT (it then acts on nothing); empty when not in
     *     TILT or not reported (before 7.0)
     * @param masterLines the {@code masterN:} lines, one per master
     */
    public record Overview(
            int masters,
            boolean tilt,
            OptionalLong tiltSinceSeconds,
            int runningScripts,
            int scriptsQueueLength,
            long simulateFailureFlags,
            List<MasterLine> masterLines) {

        public Overview {
            masterLines = List.copyOf(masterLines);
        }

        private static final java.util.regex.Pattern MASTER_FIELD = java.util.regex.Pattern.compile("master\\d+");

        /** Fields a Sentinel always sends; one that is not a number reads as 0, as redis_exporter reads it. */
        static Overview from(RedisInfo info) {
            List<MasterLine> lines = new ArrayList<>();
            info.section("sentinel").forEach((field, value) -> {
                if (MASTER_FIELD.matcher(field).matches()) {
                    Map<String, String> line = InfoParser.nested(value);
                    lines.add(new MasterLine(
                            line.getOrDefault("name", ""),
                            line.getOrDefault("status", ""),
                            line.getOrDefault("address", ""),
                            (int) Numbers.wholeNumber(line.get("slaves")).orElse(0),
                            (int) Numbers.wholeNumber(line.get("sentinels")).orElse(0)));
                }
            });
            OptionalLong tiltSince = Numbers.wholeNumber(info.text("sentinel_tilt_since_seconds", ""));
            return new Overview(
                    (int) whole(info, "sentinel_masters"),
                    whole(info, "sentinel_tilt") == 1,
                    tiltSince.isPresent() && tiltSince.getAsLong() >= 0 ? tiltSince : OptionalLong.empty(),
                    (int) whole(info, "sentinel_running_scripts"),
                    (int) whole(info, "sentinel_scripts_queue_length"),
                    whole(info, "sentinel_simulate_failure_flags"),
                    lines);
        }

        private static long whole(RedisInfo info, String field) {
            return Numbers.wholeNumber(info.text(field, "")).orElse(0);
        }
    }

    /**
     * One {@code masterN:name=mymaster,status=ok,address=10.0.0.5:6379,slaves=2,sentinels=3} line.
     *
     * @param status {@code ok}, {@code sdown} or {@code odown}
     * @param sentinels the Sentinels that watch the master, this one included
     */
    public record MasterLine(String name, String status, String address, int slaves, int sentinels) {}

    /**
     * A master and what this Sentinel knows around it. The per-master parts are sent for the masters the Sentinel's
     * previous INFO named (all in one round trip); a master added since has them unavailable until the next poll.
     */
    public record MonitoredMaster(
            SentinelMaster master,
            Reading<List<SentinelReplica>> replicas,
            Reading<List<SentinelPeer>> sentinels,
            Reading<QuorumCheck> quorumCheck) {

        public MonitoredMaster {
            Objects.requireNonNull(master, "master");
            replicas = replicas.map(List::copyOf);
            sentinels = sentinels.map(List::copyOf);
            Objects.requireNonNull(quorumCheck, "quorumCheck");
        }

        public String name() {
            return master.name();
        }
    }

    /**
     * {@code SENTINEL CKQUORUM}: whether the Sentinels this one can reach are enough both for the quorum and for
     * the majority that authorises a failover.
     *
     * @param message the Sentinel's own words ({@code OK 3 usable Sentinels. ...} or {@code NOQUORUM 1 usable ...})
     */
    public record QuorumCheck(boolean ok, String message) {
        public QuorumCheck {
            Objects.requireNonNull(message, "message");
        }
    }

    public Optional<MonitoredMaster> master(String name) {
        return masters.orElse(List.of()).stream()
                .filter(master -> master.name().equals(name))
                .findFirst();
    }

    /** The names of the masters this Sentinel monitors, by INFO. */
    public List<String> masterNames() {
        return overview.masterLines().stream().map(MasterLine::name).toList();
    }

    /** Whether INFO says the server is a Sentinel ({@code redis_mode:sentinel}). */
    public static boolean isSentinel(RedisInfo info) {
        return info.text("redis_mode", "").equals("sentinel");
    }
}
