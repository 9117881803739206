package io.steward.cli;

import io.steward.collector.Snapshot;
import io.steward.diagnostics.MemoryLimit;
import io.steward.diagnostics.MemoryLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The memory limit of the cgroup a Redis on this machine runs in (its container, its systemd unit), which INFO
 * does not show: read from {@code /proc/<process_id>/cgroup} and the cgroup file system, v2 {@code memory.max} or
 * v1 {@code memory.limit_in_bytes}, the tightest of the cgroup and its ancestors. Only for a server this process
 * sits beside: the target is a unix socket or an address of this host, and INFO's {@code process_id} is a
 * redis-server this process can see. A server in another PID namespace, or on another host, is left to
 * {@code total_system_memory}.
 */
final class CgroupMemory implements MemoryLimits {

    /** cgroup v1 writes "no limit" as the largest page-aligned long; anything this large is no limit. */
    private static final long UNLIMITED = 1L << 62;

    /** The memory controller's hierarchy a process belongs to: v1 or v2 (unified), and its path there. */
    record Membership(boolean v1, String path) {

        String limitFile() {
            return v1 ? "memory.limit_in_bytes" : "memory.max";
        }
    }

    private final Path proc;
    private final Path cgroups;

    /** @param proc where /proc is; @param cgroups where the cgroup file system is mounted (/sys/fs/cgroup) */
    CgroupMemory(Path proc, Path cgroups) {
        this.proc = proc;
        this.cgroups = cgroups;
    }

    static CgroupMemory ofThisMachine() {
        return new CgroupMemory(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    @Override
    public Optional<MemoryLimit> of(Snapshot snapshot) {
        long pid = (long) snapshot.info().number("process_id").orElse(0);
        if (pid <= 0 || !isLocal(snapshot.target().address())) {
            return Optional.empty();
        }
        Path process = proc.resolve(String.valueOf(pid));
        // The same number in another PID namespace is another process.
        if (!read(process.resolve("comm")).orElse("").startsWith("redis")) {
            return Optional.empty();
        }
        Optional<Membership> server = read(process.resolve("cgroup")).flatMap(CgroupMemory::memoryCgroup);
        Optional<Membership> self = read(proc.resolve("self/cgroup")).flatMap(CgroupMemory::memoryCgroup);
        return server.flatMap(membership -> limit(membership, self));
    }

    /** The tightest limit of the server's cgroup and its ancestors, as this process's mount of them shows. */
    private Optional<MemoryLimit> limit(Membership server, Optional<Membership> self) {
        if (server.path().contains("..")) {
            return Optional.empty(); // outside this process's cgroup namespace
        }
        Path hierarchy = server.v1() ? cgroups.resolve("memory") : cgroups;
        Path cgroup = hierarchy.resolve(server.path().replaceFirst("^/+", ""));
        if (!Files.isDirectory(cgroup)) {
            // A container's mount shows its own cgroup as the root, under a path that exists only outside: the
            // root is the server's cgroup only when the server is in this process's own.
            if (self.isEmpty() || !self.get().equals(server)) {
                return Optional.empty();
            }
            cgroup = hierarchy;
        }
        long tightest = Long.MAX_VALUE;
        for (Path dir = cgroup; dir != null && dir.startsWith(hierarchy); dir = dir.getParent()) {
            OptionalLong limit = read(dir.resolve(server.limitFile()))
                    .map(CgroupMemory::limitBytes)
                    .orElse(OptionalLong.empty());
            if (limit.isPresent()) {
                tightest = Math.min(tightest, limit.getAsLong());
            }
        }
        return tightest == Long.MAX_VALUE
                ? Optional.empty()
                : Optional.of(
                        new MemoryLimit(tightest, "cgroup " + (server.v1() ? "v1 " : "v2 ") + server.limitFile()));
    }

    /**
     * The memory line of {@code /proc/<pid>/cgroup}: {@code 4:memory:/docker/abc} in v1, else the unified
     * {@code 0::/system.slice/redis.service}; empty when there is neither.
     */
    static Optional<Membership> memoryCgroup(String procCgroup) {
        Optional<Membership> unified = Optional.empty();
        for (String line : procCgroup.split("\n")) {
            String[] fields = line.strip().split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            if (Arrays.asList(fields[1].split(",")).contains("memory")) {
                return Optional.of(new Membership(true, fields[2]));
            }
            if (fields[0].equals("0") && fields[1].isEmpty()) {
                unified = Optional.of(new Membership(false, fields[2]));
            }
        }
        return unified;
    }

    /** A limit file's content in bytes: empty for {@code max} (v2) or v1's near-infinite "no limit". */
    static OptionalLong limitBytes(String content) {
        try {
            long bytes = Long.parseLong(content.strip());
            return bytes > 0 && bytes < UNLIMITED ? OptionalLong.of(bytes) : OptionalLong.empty();
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty(); // "max"
        }
    }

    /** Whether a target's {@code host:port} (or socket path) is on this machine: a socket, loopback, or our own. */
    static boolean isLocal(String address) {
        int colon = address.lastIndexOf(':');
        if (address.startsWith("/") || colon < 0) {
            return true; // a unix socket path
        }
        try {
            InetAddress host = InetAddress.getByName(address.substring(0, colon));
            return host.isLoopbackAddress() || NetworkInterface.getByInetAddress(host) != null;
        } catch (UnknownHostException | SocketException unknown) {
            return false;
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // not there, not ours to read: nothing known
        }
    }
}
