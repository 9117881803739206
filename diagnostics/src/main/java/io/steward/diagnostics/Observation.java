package io.steward.diagnostics;

import io.steward.collector.AclUser;
import io.steward.collector.ClientList;
import io.steward.collector.CommandStats;
import io.steward.collector.Inspection;
import io.steward.collector.Keyspace;
import io.steward.collector.LatencyEvent;
import io.steward.collector.MemoryStats;
import io.steward.collector.Replication;
import io.steward.collector.Role;
import io.steward.collector.ServerConfig;
import io.steward.collector.SlowlogEntry;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything the rules look at for one server: the latest snapshot, and an earlier one of the same run for rates.
 * Every view is one of the snapshots' typed ones. Missing values stay missing (empty), never zero, so a rule never
 * judges a number the server did not report; a part the server refused is {@link #unavailable(Source)}, and the
 * rules that need it are skipped before they look.
 */
public final class Observation {

    private static final String RESTARTED = "the server restarted between the two INFO samples";

    private final Snapshot latest;
    private final Snapshot earlier;
    private final String ratesUnavailable;
    private final MemoryLimit cgroupLimit;

    private Observation(Snapshot latest, Snapshot earlier, String ratesUnavailable, MemoryLimit cgroupLimit) {
        this.latest = Objects.requireNonNull(latest, "latest");
        this.earlier = earlier;
        this.ratesUnavailable = ratesUnavailable;
        this.cgroupLimit = cgroupLimit;
    }

    /** Two snapshots of one server; rates are measured between them unless the server restarted in between. */
    public static Observation of(Snapshot earlier, Snapshot latest) {
        Duration window = Duration.between(earlier.time(), latest.time());
        if (!latest.sameRunAs(earlier) || window.isNegative() || window.isZero()) {
            return single(latest, RESTARTED);
        }
        return new Observation(latest, earlier, null, null);
    }

    /** One snapshot only: the rules that need rates are skipped with {@code whyNoRates}. */
    public static Observation single(Snapshot latest, String whyNoRates) {
        return new Observation(latest, null, Objects.requireNonNull(whyNoRates, "whyNoRates"), null);
    }

    /** The same observation of a server that runs in a cgroup with this memory limit. */
    public Observation limitedBy(MemoryLimit limit) {
        return new Observation(latest, earlier, ratesUnavailable, Objects.requireNonNull(limit, "limit"));
    }

    /** The observation with the cgroup limit the source knows for the latest snapshot, if any. */
    public Observation limitedBy(MemoryLimits limits) {
        return limits.of(latest).map(this::limitedBy).orElse(this);
    }

    public Snapshot latest() {
        return latest;
    }

    /** The snapshot rates are measured from; empty when there is only one. */
    public Optional<Snapshot> earlier() {
        return Optional.ofNullable(earlier);
    }

    public Target target() {
        return latest.target();
    }

    /** The time between the snapshots (zero with one). */
    public Duration window() {
        return earlier == null ? Duration.ZERO : Duration.between(earlier.time(), latest.time());
    }

    /** The window in seconds (0 with one snapshot). */
    public double seconds() {
        return window().toNanos() / 1e9;
    }

    /** Why a source cannot be used, or empty when it can. */
    public Optional<String> unavailable(Source source) {
        Inspection inspection = latest.inspection();
        return switch (source) {
            case INFO -> Optional.empty();
            case RATES -> Optional.ofNullable(ratesUnavailable);
            case CONFIG -> latest.config().unavailableReason();
            case LATENCY -> latest.latencyEvents().unavailableReason();
            case LATENCY_DOCTOR -> inspection.latencyDoctor().unavailableReason();
            case MEMORY_DOCTOR -> inspection.memoryDoctor().unavailableReason();
            case SLOWLOG -> inspection.slowlog().unavailableReason();
            case CLIENT_LIST -> inspection.clients().unavailableReason();
            case ACL -> inspection.aclUsers().unavailableReason();
            case ROLE -> inspection.replicaLinkState().unavailableReason();
            // CLUSTER INFO is read on cluster nodes only; elsewhere the rules that need it have nothing to judge.
            case CLUSTER -> isCluster() ? latest.cluster().unavailableReason() : Optional.empty();
        };
    }

    // Scalar INFO fields of the latest snapshot, and their growth since the earlier one.

    public OptionalDouble number(String field) {
        return latest.info().number(field);
    }

    public double number(String field, double fallback) {
        return number(field).orElse(fallback);
    }

    public Optional<String> text(String field) {
        return latest.info().get(field);
    }

    /** How much a counter grew between the snapshots; empty with one, a missing field or a reset counter. */
    public OptionalDouble delta(String field) {
        if (earlier == null) {
            return OptionalDouble.empty();
        }
        OptionalDouble before = earlier.info().number(field);
        OptionalDouble after = number(field);
        if (before.isEmpty() || after.isEmpty() || after.getAsDouble() < before.getAsDouble()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(after.getAsDouble() - before.getAsDouble());
    }

    /** {@link #delta} per second of the window. */
    public OptionalDouble rate(String field) {
        OptionalDouble delta = delta(field);
        return delta.isEmpty() ? delta : OptionalDouble.of(delta.getAsDouble() / seconds());
    }

    /**
     * The most memory the server can have: its cgroup's limit when one is known and below the host's memory, else
     * {@code total_system_memory}; empty when neither is known.
     */
    public Optional<MemoryLimit> memoryCeiling() {
        double host = number("total_system_memory", 0);
        if (cgroupLimit != null && (host <= 0 || cgroupLimit.bytes() < host)) {
            return Optional.of(cgroupLimit);
        }
        return host > 0 ? Optional.of(MemoryLimit.host(host)) : Optional.empty();
    }

    // Command and error statistics.

    /** {@code INFO commandstats} and {@code errorstats} of the latest snapshot. */
    public CommandStats commands() {
        return latest.commands();
    }

    /** Calls of one command ({@code keys}) between the snapshots; a command first called in the window grew from 0. */
    public OptionalLong callsDelta(String command) {
        return earlier == null
                ? OptionalLong.empty()
                : growth(earlier.commands().calls(command), commands().calls(command));
    }

    /** Error replies with one prefix ({@code OOM}) between the snapshots; a prefix first seen grew from 0. */
    public OptionalLong errorDelta(String prefix) {
        return earlier == null
                ? OptionalLong.empty()
                : growth(earlier.commands().errorCount(prefix), commands().errorCount(prefix));
    }

    /** The error prefixes ({@code OOM}, {@code ERR}, ...) whose count grew in the window, with the growth. */
    public Map<String, Long> errorGrowth() {
        Map<String, Long> growth = new LinkedHashMap<>();
        for (String prefix : commands().errors().keySet()) {
            errorDelta(prefix).ifPresent(grew -> {
                if (grew > 0) {
                    growth.put(prefix, grew);
                }
            });
        }
        return growth;
    }

    private static OptionalLong growth(long before, long after) {
        return after >= before ? OptionalLong.of(after - before) : OptionalLong.empty();
    }

    // CONFIG GET.

    public OptionalLong config(String parameter) {
        return serverConfig().map(config -> config.number(parameter)).orElse(OptionalLong.empty());
    }

    public Optional<String> configText(String parameter) {
        return serverConfig().flatMap(config -> config.get(parameter));
    }

    /** One class of {@code client-output-buffer-limit} ({@code replica}, {@code normal}, {@code pubsub}). */
    public Optional<ServerConfig.OutputBufferLimit> outputBufferLimit(String clientClass) {
        return serverConfig().map(config -> config.outputBufferLimits().get(clientClass));
    }

    /** The {@code save} points; empty when snapshots are off or the configuration was not read. */
    public List<ServerConfig.SavePoint> savePoints() {
        return serverConfig().map(ServerConfig::savePoints).orElse(List.of());
    }

    private Optional<ServerConfig> serverConfig() {
        return latest.config().optional();
    }

    // Role, replication, keyspace, cluster.

    public Role role() {
        return latest.role();
    }

    public boolean isPrimary() {
        return latest.replication().isPrimary();
    }

    public boolean isReplica() {
        return latest.replication().isReplica();
    }

    public boolean isCluster() {
        return latest.clusterEnabled();
    }

    /** The server's own clock, in Unix seconds. */
    public double serverTime() {
        return latest.serverTimeSeconds();
    }

    /** The replicas a primary lists. */
    public List<Replication.ReplicaLink> replicas() {
        return latest.replication().replicas();
    }

    /** A replica's link to its primary; empty on a primary. */
    public Optional<Replication.PrimaryLink> primaryLink() {
        return latest.replication().primary();
    }

    public Keyspace keyspace() {
        return latest.keyspace();
    }

    /** {@code CLUSTER INFO}'s fields; empty when not read. */
    public Map<String, String> clusterInfo() {
        return latest.cluster().orElse(Map.of());
    }

    // The other probes; a rule that needs one declares it, and is skipped while it is unavailable.

    /** {@code LATENCY LATEST}; empty when not read. */
    public List<LatencyEvent> latencyEvents() {
        return latest.latencyEvents().orElse(List.of());
    }

    /** {@code MEMORY STATS}; empty when not read. */
    public MemoryStats memoryStats() {
        return latest.memoryStats().orElse(MemoryStats.empty());
    }

    public Optional<String> memoryDoctor() {
        return latest.inspection().memoryDoctor().optional();
    }

    public Optional<String> latencyDoctor() {
        return latest.inspection().latencyDoctor().optional();
    }

    /** The slow log's newest entries, without the agent's own; empty when not read. */
    public List<SlowlogEntry> slowlog() {
        return latest.inspection().slowlog().orElse(List.of());
    }

    public Optional<ClientList> clients() {
        return latest.inspection().clients().optional();
    }

    /** The ACL users; empty when not read ({@link #unavailable} with {@link Source#ACL} tells). */
    public List<AclUser> aclUsers() {
        return latest.inspection().aclUsers().orElse(List.of());
    }

    /** The replica's link state from {@code ROLE} ({@code connect}, {@code sync}, ...); empty on a primary. */
    public Optional<String> replicaLinkState() {
        return latest.inspection().replicaLinkState().optional().filter(state -> !state.isEmpty());
    }
}
