package io.steward.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A real Sentinel group: a primary with its replicas and the Sentinels that watch them, each on a loopback address
 * of its own (127.0.0.1, 127.0.0.2, ... stand in for hosts). Every server binds to its address and connects from it,
 * so a Sentinel announces its own address in its hellos and the others find it. Stopped and removed by
 * {@link #close()}.
 *
 * <p>Replicas are linked before the Sentinels start: a Sentinel learns the replicas from the primary's INFO, which
 * it reads at once on connecting and then only every 10 seconds.
 */
public final class SentinelGroup implements AutoCloseable {

    private final Builder settings;
    private final List<RedisServer> dataNodes;
    private final List<RedisServer> sentinels;

    private SentinelGroup(Builder settings, List<RedisServer> dataNodes, List<RedisServer> sentinels) {
        this.settings = settings;
        this.dataNodes = dataNodes;
        this.sentinels = sentinels;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Three data nodes and three Sentinels on 127.0.0.1, .2 and .3, master name {@code mymaster}, quorum 2. */
    public static SentinelGroup start() {
        return builder().start();
    }

    public String masterName() {
        return settings.masterName;
    }

    /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.2:p2,...#mymaster}, without credentials. */
    public String sentinelUri() {
        return "redis-sentinel://"
                + sentinels.stream().map(RedisServer::address).collect(Collectors.joining(","))
                + "#" + settings.masterName;
    }

    /** The data node the Sentinels name as primary now (the first Sentinel that answers decides). */
    public RedisServer primary() {
        String address = primaryAddress();
        return dataNodes.stream()
                .filter(node -> node.address().equals(address))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "the Sentinels name " + address + " as primary, which is none of the group's data nodes"));
    }

    /** The running data nodes other than the primary. */
    public List<RedisServer> replicas() {
        RedisServer primary = primary();
        return dataNodes.stream()
                .filter(node -> node != primary && node.isAlive())
                .toList();
    }

    /** Every data node the group started, in start order (the first was the primary), running or not. */
    public List<RedisServer> dataNodes() {
        return List.copyOf(dataNodes);
    }

    public List<RedisServer> sentinels() {
        return List.copyOf(sentinels);
    }

    /** {@code host:port} of the primary as the first running Sentinel reports it. */
    public String primaryAddress() {
        for (RedisServer sentinel : sentinels) {
            if (sentinel.isAlive()) {
                return masterAddress(sentinel);
            }
        }
        throw new IllegalStateException("no Sentinel of the group is running");
    }

    /**
     * {@code SENTINEL FAILOVER}, then waits for the switch ({@link #awaitNewPrimary}); returns the new primary. The
     * old primary, alive, still says it is one until the Sentinels demote it, 8 to 10 s later (they wait that long
     * for newer configurations first): {@link #awaitReplicasFollow()} waits for that.
     */
    public RedisServer failover() {
        String before = awaitSentinelsAgree();
        // Right after a failover or a restart a Sentinel may not yet rate any replica good enough
        // (NOGOODSLAVE): it does once it has their INFO again, within a few seconds.
        await("a Sentinel to accept SENTINEL FAILOVER", () -> {
            try {
                firstRunning().call("SENTINEL", "FAILOVER", settings.masterName);
                return true;
            } catch (io.lettuce.core.RedisCommandExecutionException notYet) {
                if (!String.valueOf(notYet.getMessage()).startsWith("NOGOODSLAVE")) {
                    throw notYet;
                }
                return false;
            }
        });
        return awaitNewPrimary(before);
    }

    /** Kills the current primary (SIGKILL) without waiting for the Sentinels; returns the killed server. */
    public RedisServer killPrimary() {
        RedisServer primary = primary();
        primary.kill();
        return primary;
    }

    /**
     * Waits until the running Sentinels agree on a primary other than {@code previousAddress}, as in
     * {@link #awaitSentinelsAgree()}, and that server says it is a primary; returns it.
     */
    public RedisServer awaitNewPrimary(String previousAddress) {
        await("a primary other than " + previousAddress, () -> {
            String agreed = agreedPrimary();
            return agreed != null && !agreed.equals(previousAddress) && sentinelsSettled() && saysPrimary(agreed);
        });
        return primary();
    }

    /**
     * Waits until every running Sentinel names the same primary, knows every other Sentinel of the group and every
     * running replica, and no failover is in progress; returns the primary's {@code host:port}.
     */
    public String awaitSentinelsAgree() {
        await("the Sentinels to agree", () -> agreedPrimary() != null && sentinelsSettled());
        return primaryAddress();
    }

    /** Waits until every running data node but the primary replicates from it, its link up. */
    public void awaitReplicasFollow() {
        await("every replica to follow the primary", () -> {
            RedisServer primary = primary();
            for (RedisServer replica : replicas()) {
                String link = replica.commands().info("replication");
                if (!link.contains("master_host:" + primary.host() + "\r\n")
                        || !link.contains("master_port:" + primary.port() + "\r\n")
                        || !link.contains("master_link_status:up")) {
                    return false;
                }
            }
            return true;
        });
    }

    private boolean saysPrimary(String address) {
        return dataNodes.stream()
                .filter(node -> node.address().equals(address) && node.isAlive())
                .anyMatch(node -> node.commands().info("replication").contains("role:master"));
    }

    private boolean sentinelsSettled() {
        long runningReplicas = dataNodes.stream().filter(RedisServer::isAlive).count() - 1;
        for (RedisServer sentinel : running()) {
            Map<String, String> master = fields(sentinel.call("SENTINEL", "MASTER", settings.masterName));
            if (master.get("flags").contains("failover_in_progress")
                    || Integer.parseInt(master.get("num-other-sentinels")) < sentinels.size() - 1
                    || Integer.parseInt(master.get("num-slaves")) < runningReplicas) {
                return false;
            }
        }
        return true;
    }

    /** The address every running Sentinel names, or null while they differ. */
    private String agreedPrimary() {
        String agreed = null;
        for (RedisServer sentinel : running()) {
            String address = masterAddress(sentinel);
            if (agreed != null && !agreed.equals(address)) {
                return null;
            }
            agreed = address;
        }
        return agreed;
    }

    private String masterAddress(RedisServer sentinel) {
        List<Object> reply = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", settings.masterName);
        return reply.get(0) + ":" + reply.get(1);
    }

    private List<RedisServer> running() {
        return sentinels.stream().filter(RedisServer::isAlive).toList();
    }

    private RedisServer firstRunning() {
        return running().stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Sentinel of the group is running"));
    }

    /** A Sentinel's reply of field names and values, over RESP2 a flat list and over RESP3 a map. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(List<Object> reply) {
        Map<String, String> fields = new HashMap<>();
        List<Object> flat = reply.size() == 1 && reply.get(0) instanceof List<?> inner ? (List<Object>) inner : reply;
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return fields;
    }

    private void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                last = notYet; // a server restarting, a connection closed by a failover
            }
            RedisServer.sleep(100);
        }
        StringBuilder logs = new StringBuilder();
        for (RedisServer sentinel : sentinels) {
            logs.append("\n--- Sentinel ")
                    .append(sentinel.address())
                    .append(":\n")
                    .append(sentinel.logTail());
        }
        throw new IllegalStateException(
                "timed out waiting for " + what + (last == null ? "" : " (last: " + last.getMessage() + ")") + logs,
                last);
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServer::close);
        dataNodes.forEach(RedisServer::close);
    }

    public static final class Builder {
        private String masterName = "mymaster";
        private int quorum = 2;
        private long downAfterMillis = 1000;
        private long failoverTimeoutMillis = 10_000;
        private int parallelSyncs = 1;
        private List<String> sentinelHosts = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
        private List<String> dataHosts = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
        private final Map<Integer, Integer> replicaPriorities = new HashMap<>();
        private String sentinelPassword;
        private String dataPassword;

        private Builder() {}

        public Builder masterName(String name) {
            this.masterName = Objects.requireNonNull(name);
            return this;
        }

        public Builder quorum(int quorum) {
            this.quorum = quorum;
            return this;
        }

        /** How long a server may not answer before a Sentinel deems it down; 1 s by default, for fast tests. */
        public Builder downAfterMillis(long millis) {
            this.downAfterMillis = millis;
            return this;
        }

        public Builder failoverTimeoutMillis(long millis) {
            this.failoverTimeoutMillis = millis;
            return this;
        }

        public Builder parallelSyncs(int replicas) {
            this.parallelSyncs = replicas;
            return this;
        }

        /** One Sentinel per address, in order; three by default. */
        public Builder sentinelHosts(String... hosts) {
            this.sentinelHosts = List.of(hosts);
            return this;
        }

        /** The primary's address, then one per replica; 127.0.0.1 (primary), .2 and .3 by default. */
        public Builder dataHosts(String... hosts) {
            this.dataHosts = List.of(hosts);
            return this;
        }

        /** {@code replica-priority} of the {@code index}th replica (0 is the first); 0 means never promoted. */
        public Builder replicaPriority(int index, int priority) {
            replicaPriorities.put(index, priority);
            return this;
        }

        /** {@code requirepass} of the Sentinels, which they also use with each other. */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        /** {@code requirepass} and {@code masterauth} of the data nodes, given to the Sentinels as auth-pass. */
        public Builder dataPassword(String password) {
            this.dataPassword = password;
            return this;
        }

        public SentinelGroup start() {
            List<RedisServer> dataNodes = new ArrayList<>();
            List<RedisServer> sentinels = new ArrayList<>();
            SentinelGroup group = new SentinelGroup(this, dataNodes, sentinels);
            try {
                dataNodes.add(dataNode(dataHosts.get(0), null, 100));
                RedisServer primary = dataNodes.get(0);
                for (int i = 1; i < dataHosts.size(); i++) {
                    dataNodes.add(dataNode(dataHosts.get(i), primary, replicaPriorities.getOrDefault(i - 1, 100)));
                }
                dataNodes.subList(1, dataNodes.size()).forEach(RedisServer::awaitReplicationLink);
                for (String host : sentinelHosts) {
                    sentinels.add(sentinel(host, primary));
                }
                group.awaitSentinelsAgree();
                return group;
            } catch (RuntimeException failure) {
                group.close();
                throw failure;
            }
        }

        private RedisServer dataNode(String host, RedisServer primary, int priority) {
            RedisServer.Builder node =
                    RedisServer.builder().host(host).option("replica-priority", String.valueOf(priority));
            if (primary != null) {
                node.replicaOf(primary);
            }
            if (dataPassword != null) {
                node.password(dataPassword).option("masterauth", dataPassword);
            }
            return node.start();
        }

        private RedisServer sentinel(String host, RedisServer primary) {
            try {
                Path dir = Files.createTempDirectory("steward-sentinel-");
                Path config = dir.resolve("sentinel.conf");
                List<String> lines = new ArrayList<>(List.of(
                        "sentinel monitor " + masterName + " " + primary.host() + " " + primary.port() + " " + quorum,
                        "sentinel down-after-milliseconds " + masterName + " " + downAfterMillis,
                        "sentinel failover-timeout " + masterName + " " + failoverTimeoutMillis,
                        "sentinel parallel-syncs " + masterName + " " + parallelSyncs));
                if (dataPassword != null) {
                    lines.add("sentinel auth-pass " + masterName + " " + dataPassword);
                }
                if (sentinelPassword != null) {
                    lines.add("sentinel sentinel-pass " + sentinelPassword);
                }
                Files.write(config, lines);
                RedisServer.Builder sentinel =
                        RedisServer.builder().host(host).dir(dir).sentinel(config);
                if (sentinelPassword != null) {
                    sentinel.password(sentinelPassword);
                }
                return sentinel.start();
            } catch (IOException failure) {
                throw new IllegalStateException("cannot write a Sentinel's configuration: " + failure.getMessage());
            }
        }
    }
}
