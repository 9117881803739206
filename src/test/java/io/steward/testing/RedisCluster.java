package io.steward.testing;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of {@link RedisServer}s on loopback addresses standing in for hosts. By default three
 * primaries and three replicas spread over 127.0.0.1, .2 and .3, joined by {@code redis-cli --cluster create}, which
 * places each replica on another host than its primary. {@link Builder#shard} places every node exactly instead
 * (a shard's primary and replica on one host, a shard without a replica, two primaries on one host), joined with
 * {@code CLUSTER MEET}, {@code ADDSLOTSRANGE} and {@code REPLICATE}.
 *
 * <p>A started cluster is healthy: every node says {@code cluster_state:ok}, all agree on who serves which slots,
 * and every replica's link to its primary is up.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;
    /** Redis listens for the cluster bus on the port plus 10000; both ports stay below the ephemeral range. */
    private static final int BUS_PORT_OFFSET = 10000;

    private static final int LOWEST_PORT = 20000;
    private static final int PORTS = 2700;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<RedisServer> nodes;
    private final Map<RedisServer, String> ids;

    private RedisCluster(List<RedisServer> nodes, Map<RedisServer, String> ids) {
        this.nodes = List.copyOf(nodes);
        this.ids = ids;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Three primaries and three replicas on 127.0.0.1, .2 and .3, made by {@code redis-cli --cluster create}. */
    public static RedisCluster start() {
        return builder().start();
    }

    /** {@code redis://host:port} of the first node still running. */
    public String seedUri() {
        return alive().get(0).uri();
    }

    /** Every node started, in start order, including those killed since ({@link RedisServer#isAlive()} says). */
    public List<RedisServer> nodes() {
        return nodes;
    }

    public String nodeId(RedisServer node) {
        return ids.get(node);
    }

    /** The running nodes that say they are primaries now, in start order. */
    public List<RedisServer> primaries() {
        return alive().stream()
                .filter(node -> myselfFields(node)[2].contains("master"))
                .toList();
    }

    /** A running replica of {@code primary}, as the replica itself says. */
    public RedisServer replicaOf(RedisServer primary) {
        String primaryId = nodeId(primary);
        return alive().stream()
                .filter(node -> {
                    String[] myself = myselfFields(node);
                    return myself[2].contains("slave") && myself[3].equals(primaryId);
                })
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no running replica of " + primary.address()));
    }

    /** The node serving the slot of {@code key}, as the first running node sees it. */
    public RedisServer ownerOf(String key) {
        long slot = alive().get(0).commands().clusterKeyslot(key);
        for (String line : alive().get(0).commands().clusterNodes().split("\n")) {
            String[] fields = line.trim().split(" ");
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                if (!fields[i].startsWith("[")
                        && slot >= Long.parseLong(range[0])
                        && slot <= Long.parseLong(range[range.length - 1])) {
                    return node(fields[0]);
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    /** {@code CLUSTER FAILOVER} on {@code replica}: returns once it is a primary and the cluster agrees. */
    public void failover(RedisServer replica) {
        replica.commands().clusterFailover(false);
        await("failover of " + replica.address())
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> myselfFields(replica)[2].contains("master"));
        awaitClusterOk();
    }

    /**
     * Stops {@code node} and waits until every running node flags it {@code fail} (a majority of primaries saw it
     * unreachable for the node timeout). A killed primary's replica then takes over on its own; {@link
     * #awaitClusterOk()} waits for that.
     */
    public void kill(RedisServer node) {
        String id = nodeId(node);
        node.stop();
        await("every node flags " + node.address() + " fail")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> alive().stream().allMatch(peer -> flagsOf(peer, id).contains("fail")));
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, all agree on each node's role and slots, and
     * every running replica of a running primary has its link up.
     */
    public void awaitClusterOk() {
        await("cluster state ok on every node")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(this::settled);
    }

    private boolean settled() {
        List<RedisServer> running = alive();
        List<String> first = null;
        for (RedisServer node : running) {
            if (!node.commands().clusterInfo().contains("cluster_state:ok")) {
                return false;
            }
            List<String> view = configuration(node);
            if (first == null) {
                first = view;
            } else if (!first.equals(view)) {
                return false;
            }
        }
        return running.stream().allMatch(this::replicationSettled);
    }

    /** Each node's id, role, primary and slots as {@code node} sees them: what every node must agree on. */
    private static List<String> configuration(RedisServer node) {
        List<String> view = new ArrayList<>();
        for (String line : node.commands().clusterNodes().split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 8) {
                continue;
            }
            String role = fields[2].contains("master") ? "master" : "slave " + fields[3];
            String slots = String.join(" ", Arrays.asList(fields).subList(8, fields.length))
                    .replaceAll("\\[[^]]*]", "")
                    .trim();
            view.add(fields[0] + " " + role + " " + slots);
        }
        view.sort(null);
        return view;
    }

    private boolean replicationSettled(RedisServer node) {
        String replication = node.commands().info("replication");
        if (!replication.contains("role:slave")) {
            return true;
        }
        String primary = field(replication, "master_host") + ":" + field(replication, "master_port");
        boolean primaryRunning = nodes.stream().anyMatch(n -> n.address().equals(primary) && n.isAlive());
        return !primaryRunning || replication.contains("master_link_status:up");
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }

    private List<RedisServer> alive() {
        return nodes.stream().filter(RedisServer::isAlive).toList();
    }

    private RedisServer node(String id) {
        return ids.entrySet().stream()
                .filter(entry -> entry.getValue().equals(id))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of this cluster has id " + id));
    }

    /** The {@code myself} line of the node's {@code CLUSTER NODES}, split into its fields. */
    private static String[] myselfFields(RedisServer node) {
        for (String line : node.commands().clusterNodes().split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length >= 8 && fields[2].contains("myself")) {
                return fields;
            }
        }
        throw new IllegalStateException(node.address() + " has no myself line in CLUSTER NODES");
    }

    /** The flags {@code observer} gives node {@code id}, as a list ({@code fail?} and {@code fail} stay apart). */
    private static List<String> flagsOf(RedisServer observer, String id) {
        for (String line : observer.commands().clusterNodes().split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields[0].equals(id)) {
                return List.of(fields[2].split(","));
            }
        }
        return List.of();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    public static final class Builder {
        private final List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
        private final List<List<String>> shards = new ArrayList<>();
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
            nodeTimeout(Duration.ofMillis(1000));
            // A replica may take over however long it was away from its primary: failovers in tests never stall.
            options.put("cluster-replica-validity-factor", "0");
        }

        /** The hosts {@code redis-cli --cluster create} spreads its six nodes over, in turn. */
        public Builder hosts(String... addresses) {
            hosts.clear();
            hosts.addAll(List.of(addresses));
            return this;
        }

        /**
         * How long a node may not answer before it is suspected ({@code cluster-node-timeout}); low by default so
         * that failures are detected within seconds.
         */
        public Builder nodeTimeout(Duration timeout) {
            return option("cluster-node-timeout", String.valueOf(timeout.toMillis()));
        }

        /** A setting of every node. */
        public Builder option(String name, String value) {
            options.put(name, value);
            return this;
        }

        /**
         * A shard placed exactly: its primary on {@code primaryHost}, one replica on each of {@code replicaHosts}.
         * With any shard given, the cluster is made of these shards only, slots split evenly among them.
         */
        public Builder shard(String primaryHost, String... replicaHosts) {
            List<String> shard = new ArrayList<>();
            shard.add(primaryHost);
            shard.addAll(List.of(replicaHosts));
            shards.add(shard);
            return this;
        }

        public RedisCluster start() {
            List<RedisServer> started = new ArrayList<>();
            try {
                RedisCluster cluster = shards.isEmpty() ? createWithRedisCli(started) : joinByHand(started);
                cluster.awaitClusterOk();
                return cluster;
            } catch (RuntimeException failure) {
                String logs = started.stream()
                        .map(node -> node.address() + ":\n" + node.logTail())
                        .reduce("", (a, b) -> a + "\n" + b);
                started.forEach(RedisServer::close);
                throw new IllegalStateException("cluster did not come up: " + failure.getMessage() + logs, failure);
            }
        }

        private RedisCluster createWithRedisCli(List<RedisServer> started) {
            List<String> command = new ArrayList<>(List.of(findRedisCli(), "--cluster", "create"));
            for (int i = 0; i < 6; i++) {
                RedisServer node = startNode(hosts.get(i % hosts.size()));
                started.add(node);
                command.add(node.address());
            }
            command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            run(command);
            return new RedisCluster(started, ids(started));
        }

        private RedisCluster joinByHand(List<RedisServer> started) {
            List<RedisServer> primaries = new ArrayList<>();
            Map<RedisServer, RedisServer> primaryOf = new LinkedHashMap<>();
            for (List<String> shard : shards) {
                RedisServer primary = startNode(shard.get(0));
                started.add(primary);
                primaries.add(primary);
                for (String replicaHost : shard.subList(1, shard.size())) {
                    RedisServer replica = startNode(replicaHost);
                    started.add(replica);
                    primaryOf.put(replica, primary);
                }
            }
            // Distinct config epochs from the start, as redis-cli gives them: no collision to resolve later.
            for (int i = 0; i < started.size(); i++) {
                started.get(i).commands().clusterSetConfigEpoch(i + 1);
            }
            for (int i = 0; i < primaries.size(); i++) {
                int first = SLOTS * i / primaries.size();
                int last = SLOTS * (i + 1) / primaries.size() - 1;
                primaries.get(i).commands().clusterAddSlotsRange(Range.create(first, last));
            }
            RedisServer introducer = started.get(0);
            for (RedisServer node : started.subList(1, started.size())) {
                introducer.commands().clusterMeet(node.host(), node.port());
            }
            Map<RedisServer, String> ids = ids(started);
            await("every node knows every other")
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> started.stream().allMatch(node -> knowsAll(node, ids.values())));
            primaryOf.forEach((replica, primary) -> replica.commands().clusterReplicate(ids.get(primary)));
            return new RedisCluster(started, ids);
        }

        private static boolean knowsAll(RedisServer node, Collection<String> ids) {
            String nodesReply = node.commands().clusterNodes();
            return !nodesReply.contains("handshake") && ids.stream().allMatch(nodesReply::contains);
        }

        private static Map<RedisServer, String> ids(List<RedisServer> nodes) {
            Map<RedisServer, String> ids = new LinkedHashMap<>();
            nodes.forEach(node -> ids.put(node, node.commands().clusterMyId()));
            return ids;
        }

        /** A node on a port whose cluster bus port is free too; another port when a concurrent test took one. */
        private RedisServer startNode(String host) {
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePortWithBus(host);
                RedisServer.Builder builder =
                        RedisServer.builder().host(host).port(port).option("cluster-enabled", "yes");
                options.forEach(builder::option);
                try {
                    return builder.start();
                } catch (IllegalStateException taken) {
                    last = taken;
                }
            }
            throw last;
        }

        private static int freePortWithBus(String host) {
            for (int attempt = 0; attempt < 100; attempt++) {
                int port = LOWEST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
                if (free(host, port) && free(host, port + BUS_PORT_OFFSET)) {
                    return port;
                }
            }
            throw new IllegalStateException("no free port pair (port, port + 10000) on " + host);
        }

        private static boolean free(String host, int port) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
                return true;
            } catch (IOException taken) {
                return false;
            }
        }

        private static void run(List<String> command) {
            try {
                Path output = Files.createTempFile("steward-redis-cli-", ".log");
                try {
                    Process process = new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
                    process.getOutputStream().close();
                    if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        throw new IllegalStateException(
                                "redis-cli --cluster create did not finish:\n" + Files.readString(output));
                    }
                    if (process.exitValue() != 0) {
                        throw new IllegalStateException("redis-cli --cluster create exited with " + process.exitValue()
                                + ":\n" + Files.readString(output));
                    }
                } finally {
                    Files.deleteIfExists(output);
                }
            } catch (IOException failure) {
                throw new IllegalStateException("cannot run redis-cli: " + failure.getMessage(), failure);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(interrupted);
            }
        }

        private static String findRedisCli() {
            return Arrays.stream(
                            System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                    .map(dir -> Path.of(dir, "redis-cli"))
                    .filter(Files::isExecutable)
                    .map(Path::toString)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("redis-cli is not installed: these tests need a"
                            + " real Redis Cluster. Install Debian's redis-tools package (bash .ci/run does it)."));
        }
    }
}
