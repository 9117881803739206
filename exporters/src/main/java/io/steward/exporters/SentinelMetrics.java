package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.Numbers;
import io.steward.collector.SentinelInstance;
import io.steward.collector.SentinelMaster;
import io.steward.collector.SentinelPeer;
import io.steward.collector.SentinelReplica;
import io.steward.collector.SentinelState;
import io.steward.collector.SentinelState.MonitoredMaster;
import java.util.List;

/**
 * A Sentinel's view of the masters it monitors, under redis_exporter's {@code redis_sentinel_*} names, types, labels
 * and semantics: INFO's sentinel section gives the counts and each master's status line; {@code SENTINEL MASTERS},
 * {@code REPLICAS}, {@code SENTINELS} and {@code CKQUORUM} the settings and the peers. Added by the same conventions:
 * each master's failover state and each replica as the Sentinel sees it (link, offset, priority).
 */
final class SentinelMetrics {

    private SentinelMetrics() {}

    static void write(SentinelState state, Labels labels, MetricFamilies out) {
        SentinelState.Overview overview = state.overview();
        out.gauge(
                "redis_sentinel_masters",
                "The number of masters this sentinel is watching",
                labels,
                overview.masters());
        out.gauge("redis_sentinel_tilt", "Sentinel is in TILT mode", labels, overview.tilt() ? 1 : 0);
        out.gauge(
                "redis_sentinel_running_scripts",
                "Number of scripts in execution right now",
                labels,
                overview.runningScripts());
        out.gauge(
                "redis_sentinel_scripts_queue_length",
                "Queue of user scripts to execute",
                labels,
                overview.scriptsQueueLength());
        out.gauge(
                "redis_sentinel_simulate_failure_flags",
                "Failures simulations",
                labels,
                overview.simulateFailureFlags());
        for (SentinelState.MasterLine line : overview.masterLines()) {
            Labels master = labels.merge(Labels.of("master_name", line.name(), "master_address", line.address()));
            out.gauge(
                    "redis_sentinel_master_status",
                    "Master status on Sentinel",
                    master.add("master_status", line.status()),
                    line.status().equals("ok") ? 1 : 0);
            out.gauge("redis_sentinel_master_slaves", "The number of slaves of the master", master, line.slaves());
            out.gauge(
                    "redis_sentinel_master_sentinels",
                    "The number of sentinels monitoring this master",
                    master,
                    line.sentinels());
        }
        for (MonitoredMaster monitored : state.masters().orElse(List.of())) {
            writeMaster(monitored, labels, out);
        }
        state.config()
                .optional()
                .ifPresent(config -> config.values().forEach((key, value) -> {
                    out.gauge(
                            "redis_sentinel_config_key_value",
                            "Sentinel global config key and value",
                            labels.merge(Labels.of("key", key, "value", value)),
                            1);
                    Numbers.number(value)
                            .ifPresent(number -> out.gauge(
                                    "redis_sentinel_config_value",
                                    "Sentinel global config key and value as metric",
                                    labels.add("key", key),
                                    number));
                }));
    }

    private static void writeMaster(MonitoredMaster monitored, Labels labels, MetricFamilies out) {
        SentinelMaster master = monitored.master();
        Labels named = labels.merge(Labels.of("master_name", master.name(), "master_address", master.address()));
        monitored
                .quorumCheck()
                .optional()
                .ifPresent(check -> out.gauge(
                        "redis_sentinel_master_ckquorum_status",
                        "Master ckquorum status",
                        labels.merge(Labels.of("master_name", master.name(), "message", check.message())),
                        check.ok() ? 1 : 0));
        out.gauge(
                "redis_sentinel_master_setting_ckquorum",
                "Show the current ckquorum config for each master",
                named,
                master.quorum());
        out.gauge(
                "redis_sentinel_master_setting_failover_timeout",
                "Show the current failover-timeout config for each master",
                named,
                master.failoverTimeoutMillis());
        out.gauge(
                "redis_sentinel_master_setting_parallel_syncs",
                "Show the current parallel-syncs config for each master",
                named,
                master.parallelSyncs());
        out.gauge(
                "redis_sentinel_master_setting_down_after_milliseconds",
                "Show the current down-after-milliseconds config for each master",
                named,
                master.downAfterMillis());
        out.gauge(
                "redis_sentinel_master_config_epoch",
                "The configuration epoch of the master (increments on each failover)",
                named,
                master.configEpoch());
        out.gauge(
                "redis_sentinel_master_last_ok_ping_reply_seconds",
                "Elapsed time in seconds since the last successful ping reply from the master",
                named,
                master.lastOkPingReplyMillis() / 1000.0);
        out.gauge(
                "redis_sentinel_master_failover_in_progress",
                "Whether this Sentinel sees a failover of the master under way",
                named,
                master.failoverInProgress() ? 1 : 0);
        monitored.sentinels().optional().ifPresent(peers -> {
            for (SentinelPeer peer : peers) {
                out.gauge(
                        "redis_sentinel_peer_info",
                        "Other Sentinel peers discovered via SENTINEL SENTINELS (one scrape from one Sentinel)",
                        named.merge(Labels.of(
                                "name", peer.runId(),
                                "ip", peer.host(),
                                "port", String.valueOf(peer.port()),
                                "runid", peer.runId(),
                                "flags", String.join(",", peer.flags()))),
                        1);
            }
            // This Sentinel counts itself, as redis_exporter does: it answered.
            out.gauge(
                    "redis_sentinel_master_ok_sentinels",
                    "The number of okay sentinels monitoring this master",
                    named,
                    1 + peers.stream().filter(SentinelInstance::ok).count());
        });
        monitored.replicas().optional().ifPresent(replicas -> {
            out.gauge(
                    "redis_sentinel_master_ok_slaves",
                    "The number of okay slaves of the master",
                    named,
                    replicas.stream().filter(SentinelInstance::ok).count());
            replicas.forEach(replica -> writeReplica(replica, named, out));
        });
    }

    private static void writeReplica(SentinelReplica replica, Labels master, MetricFamilies out) {
        Labels labels =
                master.merge(Labels.of("slave_ip", replica.host(), "slave_port", String.valueOf(replica.port())));
        out.gauge(
                "redis_sentinel_master_slave_ok",
                "Whether this Sentinel deems the replica up (neither s_down nor o_down)",
                labels,
                replica.ok() ? 1 : 0);
        out.gauge(
                "redis_sentinel_master_slave_link_up",
                "Whether the replica's link to its master is up, as this Sentinel last read it",
                labels,
                replica.masterLinkUp() ? 1 : 0);
        out.gauge(
                "redis_sentinel_master_slave_link_down_seconds",
                "How long the replica's link to its master has been down, as this Sentinel last read it",
                labels,
                replica.masterLinkDownMillis() / 1000.0);
        out.gauge(
                "redis_sentinel_master_slave_repl_offset",
                "The replica's replication offset, as this Sentinel last read it",
                labels,
                replica.replOffset());
        out.gauge(
                "redis_sentinel_master_slave_priority",
                "The replica's replica-priority: 0 is never promoted",
                labels,
                replica.priority());
    }
}
