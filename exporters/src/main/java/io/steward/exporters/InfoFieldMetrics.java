package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.RedisInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The plain INFO fields and the metric each becomes. Where redis_exporter exports a field, the name and type
 * are its own, quirks included ({@code redis_rdb_saves_total} is a gauge there, and here), so existing
 * dashboards keep working. Fields it drops are named by Prometheus conventions: base units, ratios instead
 * of percentages, {@code _total} on counters.
 *
 * <p>redis_exporter also has a few counters without {@code _total} ({@code redis_total_error_replies}, ...).
 * The Prometheus exposition always appends {@code _total} to a counter, so those keep their name as gauges.
 */
final class InfoFieldMetrics {

    enum Kind {
        GAUGE,
        COUNTER
    }

    record FieldMetric(String field, String name, Kind kind, double scale, String help) {}

    private static final Map<String, FieldMetric> BY_FIELD = new LinkedHashMap<>();

    static {
        // Server
        gauge("uptime_in_seconds", "uptime_in_seconds");
        gauge("process_id", "process_id");
        gauge("io_threads_active", "io_threads_active");
        gauge("hz", "hz");
        gauge("configured_hz", "configured_hz");
        // Clients
        gauge("connected_clients", "connected_clients");
        gauge("cluster_connections", "cluster_connections");
        gauge("blocked_clients", "blocked_clients");
        gauge("maxclients", "max_clients");
        gauge("tracking_clients", "tracking_clients");
        gauge("clients_in_timeout_table", "clients_in_timeout_table");
        gauge("pubsub_clients", "pubsub_clients");
        gauge("watching_clients", "watching_clients");
        gauge("total_watched_keys", "total_watched_keys");
        gauge("total_blocking_keys", "total_blocking_keys");
        gauge("total_blocking_keys_on_nokey", "total_blocking_keys_on_nokey");
        gauge("client_longest_output_list", "client_longest_output_list");
        gauge("client_biggest_input_buf", "client_biggest_input_buf");
        gauge("client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes");
        gauge("client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes");
        // Memory
        gauge("used_memory", "memory_used_bytes");
        gauge("used_memory_rss", "memory_used_rss_bytes");
        gauge("used_memory_peak", "memory_used_peak_bytes");
        gauge("used_memory_overhead", "memory_used_overhead_bytes");
        gauge("used_memory_startup", "memory_used_startup_bytes");
        gauge("used_memory_dataset", "memory_used_dataset_bytes");
        gauge("used_memory_lua", "memory_used_lua_bytes");
        gauge("used_memory_vm_eval", "memory_used_vm_eval_bytes");
        gauge("used_memory_scripts_eval", "memory_used_scripts_eval_bytes");
        gauge("used_memory_vm_functions", "memory_used_vm_functions_bytes");
        gauge("used_memory_vm_total", "memory_used_vm_total");
        gauge("used_memory_functions", "memory_used_functions_bytes");
        gauge("used_memory_scripts", "memory_used_scripts_bytes");
        gauge("number_of_cached_scripts", "number_of_cached_scripts");
        gauge("number_of_functions", "number_of_functions");
        gauge("number_of_libraries", "number_of_libraries");
        gauge("maxmemory", "memory_max_bytes");
        gauge("total_system_memory", "total_system_memory_bytes");
        gauge("allocator_allocated", "allocator_allocated_bytes");
        gauge("allocator_active", "allocator_active_bytes");
        gauge("allocator_resident", "allocator_resident_bytes");
        gauge("allocator_muzzy", "allocator_muzzy_bytes");
        gauge("allocator_frag_ratio", "allocator_frag_ratio");
        gauge("allocator_frag_bytes", "allocator_frag_bytes");
        gauge("allocator_rss_ratio", "allocator_rss_ratio");
        gauge("allocator_rss_bytes", "allocator_rss_bytes");
        gauge("rss_overhead_ratio", "rss_overhead_ratio");
        gauge("rss_overhead_bytes", "rss_overhead_bytes");
        gauge("mem_fragmentation_ratio", "mem_fragmentation_ratio");
        gauge("mem_fragmentation_bytes", "mem_fragmentation_bytes");
        gauge("used_memory_peak_perc", "memory_used_peak_ratio", 0.01);
        gauge("used_memory_dataset_perc", "memory_used_dataset_ratio", 0.01);
        gauge("mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes");
        gauge("mem_replication_backlog", "mem_replication_backlog_bytes");
        gauge("mem_total_replication_buffers", "mem_total_replication_buffers_bytes");
        gauge("mem_clients_slaves", "mem_clients_slaves");
        gauge("mem_clients_normal", "mem_clients_normal");
        gauge("mem_cluster_links", "mem_cluster_links_bytes");
        gauge("mem_aof_buffer", "mem_aof_buffer_bytes");
        gauge("mem_overhead_db_hashtable_rehashing", "mem_overhead_db_hashtable_rehashing_bytes");
        gauge("active_defrag_running", "active_defrag_running");
        gauge("lazyfree_pending_objects", "lazyfree_pending_objects");
        gauge("lazyfreed_objects", "lazyfreed_objects");
        // Persistence
        gauge("loading", "loading_dump_file");
        gauge("async_loading", "async_loading");
        gauge("current_cow_peak", "current_cow_peak_bytes");
        gauge("current_cow_size", "current_cow_size_bytes");
        gauge("current_cow_size_age", "current_cow_size_age_seconds");
        gauge("current_fork_perc", "current_fork_progress_ratio", 0.01);
        gauge("current_save_keys_processed", "current_save_keys_processed");
        gauge("current_save_keys_total", "current_save_keys");
        gauge("rdb_changes_since_last_save", "rdb_changes_since_last_save");
        gauge("rdb_bgsave_in_progress", "rdb_bgsave_in_progress");
        gauge("rdb_last_save_time", "rdb_last_save_timestamp_seconds");
        gauge("rdb_last_bgsave_status", "rdb_last_bgsave_status");
        gauge("rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec");
        gauge("rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec");
        gauge("rdb_saves", "rdb_saves_total");
        gauge("rdb_last_cow_size", "rdb_last_cow_size_bytes");
        gauge("rdb_last_load_keys_expired", "rdb_last_load_expired_keys");
        gauge("rdb_last_load_keys_loaded", "rdb_last_load_loaded_keys");
        gauge("aof_enabled", "aof_enabled");
        gauge("aof_rewrite_in_progress", "aof_rewrite_in_progress");
        gauge("aof_rewrite_scheduled", "aof_rewrite_scheduled");
        gauge("aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec");
        gauge("aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec");
        gauge("aof_last_bgrewrite_status", "aof_last_bgrewrite_status");
        counter("aof_rewrites", "aof_rewrites");
        gauge("aof_rewrites_consecutive_failures", "aof_rewrites_consecutive_failures");
        gauge("aof_last_write_status", "aof_last_write_status");
        gauge("aof_last_cow_size", "aof_last_cow_size_bytes");
        gauge("module_fork_in_progress", "module_fork_in_progress");
        gauge("module_fork_last_cow_size", "module_fork_last_cow_size");
        gauge("aof_current_size", "aof_current_size_bytes");
        gauge("aof_base_size", "aof_base_size_bytes");
        gauge("aof_pending_rewrite", "aof_pending_rewrite");
        gauge("aof_buffer_length", "aof_buffer_length");
        gauge("aof_rewrite_buffer_length", "aof_rewrite_buffer_length");
        gauge("aof_pending_bio_fsync", "aof_pending_bio_fsync");
        gauge("aof_delayed_fsync", "aof_delayed_fsync");
        // Stats
        counter("total_connections_received", "connections_received");
        counter("total_commands_processed", "commands_processed");
        gauge("instantaneous_ops_per_sec", "instantaneous_ops_per_second");
        counter("total_net_input_bytes", "net_input_bytes");
        counter("total_net_output_bytes", "net_output_bytes");
        counter("total_net_repl_input_bytes", "net_repl_input_bytes");
        counter("total_net_repl_output_bytes", "net_repl_output_bytes");
        gauge("instantaneous_input_kbps", "instantaneous_input_bytes_per_second", 1024);
        gauge("instantaneous_output_kbps", "instantaneous_output_bytes_per_second", 1024);
        gauge("instantaneous_input_repl_kbps", "instantaneous_input_repl_bytes_per_second", 1024);
        gauge("instantaneous_output_repl_kbps", "instantaneous_output_repl_bytes_per_second", 1024);
        counter("rejected_connections", "rejected_connections");
        gauge("sync_full", "replica_resyncs_full");
        gauge("sync_partial_ok", "replica_partial_resync_accepted");
        gauge("sync_partial_err", "replica_partial_resync_denied");
        counter("expired_subkeys", "expired_subkeys");
        counter("expired_keys", "expired_keys");
        gauge("expired_stale_perc", "expired_stale_percentage");
        gauge("expired_time_cap_reached_count", "expired_time_cap_reached_total");
        counter("expire_cycle_cpu_milliseconds", "expire_cycle_cpu_time_ms");
        counter("evicted_keys", "evicted_keys");
        counter("evicted_clients", "evicted_clients");
        counter("evicted_scripts", "evicted_scripts");
        counter("total_eviction_exceeded_time", "eviction_exceeded_time_ms");
        gauge("current_eviction_exceeded_time", "current_eviction_exceeded_time_ms");
        counter("keyspace_hits", "keyspace_hits");
        counter("keyspace_misses", "keyspace_misses");
        gauge("pubsub_channels", "pubsub_channels");
        gauge("pubsub_patterns", "pubsub_patterns");
        gauge("pubsubshard_channels", "pubsubshard_channels");
        gauge("latest_fork_usec", "latest_fork_seconds", 1e-6);
        counter("total_forks", "forks");
        gauge("migrate_cached_sockets", "migrate_cached_sockets_total");
        gauge("slave_expires_tracked_keys", "slave_expires_tracked_keys");
        gauge("active_defrag_hits", "defrag_hits");
        gauge("active_defrag_misses", "defrag_misses");
        gauge("active_defrag_key_hits", "defrag_key_hits");
        gauge("active_defrag_key_misses", "defrag_key_misses");
        counter("total_active_defrag_time", "active_defrag_time_seconds", 1e-3);
        gauge("current_active_defrag_time", "current_active_defrag_time_seconds", 1e-3);
        gauge("tracking_total_keys", "tracking_total_keys");
        gauge("tracking_total_items", "tracking_total_items");
        gauge("tracking_total_prefixes", "tracking_total_prefixes");
        gauge("unexpected_error_replies", "unexpected_error_replies");
        gauge("total_error_replies", "total_error_replies");
        gauge("dump_payload_sanitizations", "dump_payload_sanitizations");
        gauge("total_reads_processed", "total_reads_processed");
        gauge("total_writes_processed", "total_writes_processed");
        gauge("io_threaded_reads_processed", "io_threaded_reads_processed");
        gauge("io_threaded_writes_processed", "io_threaded_writes_processed");
        counter("client_query_buffer_limit_disconnections", "client_query_buffer_limit_disconnections");
        counter("client_output_buffer_limit_disconnections", "client_output_buffer_limit_disconnections");
        counter("reply_buffer_shrinks", "reply_buffer_shrinks");
        counter("reply_buffer_expands", "reply_buffer_expands");
        counter("eventloop_cycles", "eventloop_cycles");
        counter("eventloop_duration_sum", "eventloop_duration_sum_usec");
        counter("eventloop_duration_cmd_sum", "eventloop_duration_cmd_sum_usec");
        gauge("instantaneous_eventloop_cycles_per_sec", "instantaneous_eventloop_cycles_per_sec");
        gauge("instantaneous_eventloop_duration_usec", "instantaneous_eventloop_duration_usec");
        counter("acl_access_denied_auth", "acl_access_denied_auth");
        counter("acl_access_denied_cmd", "acl_access_denied_cmd");
        counter("acl_access_denied_key", "acl_access_denied_key");
        counter("acl_access_denied_channel", "acl_access_denied_channel");
        // Replication (the per-link fields with labels are in ReplicationMetrics)
        gauge("connected_slaves", "connected_slaves");
        gauge("master_repl_offset", "master_repl_offset");
        gauge("second_repl_offset", "second_repl_offset");
        gauge("repl_backlog_active", "repl_backlog_is_active");
        gauge("repl_backlog_size", "replication_backlog_bytes");
        gauge("repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset");
        gauge("repl_backlog_histlen", "repl_backlog_history_bytes");
        gauge("slave_priority", "slave_priority");
        gauge("slave_read_repl_offset", "slave_read_repl_offset");
        gauge("replica_announced", "replica_announced");
        // CPU
        counter("used_cpu_sys", "cpu_sys_seconds");
        counter("used_cpu_user", "cpu_user_seconds");
        counter("used_cpu_sys_children", "cpu_sys_children_seconds");
        counter("used_cpu_user_children", "cpu_user_children_seconds");
        counter("used_cpu_sys_main_thread", "cpu_sys_main_thread_seconds");
        counter("used_cpu_user_main_thread", "cpu_user_main_thread_seconds");
        // Cluster
        gauge("cluster_enabled", "cluster_enabled");
    }

    private InfoFieldMetrics() {}

    private static void gauge(String field, String name) {
        gauge(field, name, 1);
    }

    private static void gauge(String field, String name, double scale) {
        put(new FieldMetric(field, "redis_" + name, Kind.GAUGE, scale, help(field, scale)));
    }

    private static void counter(String field, String name) {
        counter(field, name, 1);
    }

    private static void counter(String field, String name, double scale) {
        put(new FieldMetric(field, "redis_" + name, Kind.COUNTER, scale, help(field, scale)));
    }

    private static void put(FieldMetric metric) {
        if (BY_FIELD.put(metric.field(), metric) != null) {
            throw new IllegalStateException("INFO field mapped twice: " + metric.field());
        }
    }

    private static String help(String field, double scale) {
        return scale == 1 ? "INFO " + field : "INFO " + field + ", scaled by " + scale + " to base units";
    }

    static Map<String, FieldMetric> all() {
        return BY_FIELD;
    }

    /** Adds a data point for every mapped field present in the snapshot's INFO. */
    static void write(RedisInfo info, Labels labels, MetricFamilies out) {
        for (FieldMetric metric : BY_FIELD.values()) {
            OptionalDouble value = info.number(metric.field());
            if (value.isEmpty()) {
                continue;
            }
            double scaled = value.getAsDouble() * metric.scale();
            if (metric.kind() == Kind.COUNTER) {
                out.counter(metric.name(), metric.help(), labels, scaled);
            } else {
                out.gauge(metric.name(), metric.help(), labels, scaled);
            }
        }
    }
}
