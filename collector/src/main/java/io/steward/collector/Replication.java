package io.steward.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code INFO replication}, typed: the role, the replication offset, the replicas a primary lists and, on a
 * replica, its link to the primary.
 */
public record Replication(Role role, OptionalLong offset, List<ReplicaLink> replicas, Optional<PrimaryLink> primary) {

    /**
     * One replica as its primary lists it ({@code slave0:ip=..,port=..,state=online,offset=..,lag=..}).
     *
     * @param offset the offset the replica acknowledged, empty when not reported
     * @param lagSeconds seconds since the replica's last acknowledgement, empty when not reported
     */
    public record ReplicaLink(String ip, int port, String state, OptionalLong offset, OptionalLong lagSeconds) {
        public String address() {
            return ip + ":" + port;
        }

        public boolean online() {
            return state.equals("online");
        }
    }

    /**
     * A replica's link to its primary.
     *
     * @param lastIoSecondsAgo as Redis reports it: -1 while the link is down
     * @param offset the replica's own replication offset ({@code slave_repl_offset})
     * @param readOnly {@code replica_read_only} (empty on servers that do not report it)
     */
    public record PrimaryLink(
            String host,
            int port,
            boolean up,
            OptionalLong lastIoSecondsAgo,
            boolean syncInProgress,
            OptionalLong offset,
            Optional<Boolean> readOnly) {
        public String address() {
            return host + ":" + port;
        }
    }

    private static final java.util.regex.Pattern REPLICA_FIELD = java.util.regex.Pattern.compile("slave\\d+");

    public Replication {
        replicas = List.copyOf(replicas);
    }

    public boolean isPrimary() {
        return role == Role.PRIMARY;
    }

    public boolean isReplica() {
        return role == Role.REPLICA;
    }

    static Replication from(RedisInfo info) {
        Role role = Role.fromInfo(info.text("role", ""));
        List<ReplicaLink> replicas = new ArrayList<>();
        info.section("replication").forEach((field, value) -> {
            if (REPLICA_FIELD.matcher(field).matches()) {
                Map<String, String> link = InfoParser.nested(value);
                replicas.add(new ReplicaLink(
                        link.getOrDefault("ip", "?"),
                        port(link.get("port")),
                        link.getOrDefault("state", "?"),
                        Numbers.wholeNumber(link.get("offset")),
                        Numbers.wholeNumber(link.get("lag"))));
            }
        });
        Optional<PrimaryLink> primary = info.get("master_host")
                .map(host -> new PrimaryLink(
                        host,
                        port(info.text("master_port", "")),
                        info.text("master_link_status", "down").equals("up"),
                        Numbers.wholeNumber(info.text("master_last_io_seconds_ago", "")),
                        info.text("master_sync_in_progress", "0").equals("1"),
                        Numbers.wholeNumber(info.text("slave_repl_offset", "")),
                        info.get("slave_read_only")
                                .or(() -> info.get("replica_read_only"))
                                .map(flag -> flag.strip().equals("1"))));
        return new Replication(role, Numbers.wholeNumber(info.text("master_repl_offset", "")), replicas, primary);
    }

    /** A port as sent, 0 (unknown) when it is not one: a cast would make 4294967296 port 0 and -5 a port. */
    private static int port(String value) {
        long port = Numbers.wholeNumber(value).orElse(0);
        return port < 0 || port > 65535 ? 0 : (int) port;
    }
}
