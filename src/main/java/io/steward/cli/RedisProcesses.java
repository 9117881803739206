package io.steward.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The redis-server processes of this host, as {@code /proc} shows them, without talking to any of them. Redis
 * chdir()s into its {@code dir} at start, so the server that saves into (and loads from) a directory is the one
 * whose working directory it is. Processes this one may not inspect (another user's, without root) are not seen.
 */
final class RedisProcesses {

    /** A running redis-server and the TCP ports it listens on (none found: a unix socket only, or not readable). */
    record RedisProcess(long pid, Set<Integer> ports) {
        @Override
        public String toString() {
            return "pid " + pid
                    + (ports.isEmpty()
                            ? ""
                            : ports.size() == 1
                                    ? ", port " + ports.iterator().next()
                                    : ", ports "
                                            + String.join(
                                                    ", ",
                                                    ports.stream()
                                                            .map(String::valueOf)
                                                            .toList()));
        }
    }

    private static final String LISTEN = "0A";

    private final Path proc;

    /** @param proc where the process file system is mounted: {@code /proc} */
    RedisProcesses(Path proc) {
        this.proc = proc;
    }

    /** The redis-server processes whose working directory is {@code dir}, by pid. */
    List<RedisProcess> workingIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RedisProcess> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(
                proc, entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : entries) {
                if (isRedisServer(process) && worksIn(process, dir)) {
                    found.add(new RedisProcess(
                            Long.parseLong(process.getFileName().toString()), listeningPorts(process)));
                }
            }
        } catch (IOException unreadable) {
            return List.of();
        }
        found.sort(Comparator.comparingLong(RedisProcess::pid));
        return found;
    }

    /**
     * {@code comm} is the executable's name (a Redis rewrites its {@code cmdline} into a title such as
     * {@code redis-server 127.0.0.1:6379}); a Sentinel is a redis-server too, but it neither loads nor writes an RDB.
     */
    private static boolean isRedisServer(Path process) {
        String comm = read(process.resolve("comm")).strip();
        String cmdline = read(process.resolve("cmdline")).replace('\0', ' ').strip();
        return comm.equals("redis-server") && !cmdline.endsWith("[sentinel]");
    }

    /**
     * The same directory by device and inode, as the process sees it through {@code cwd}: through symbolic links,
     * bind mounts and other mount namespaces (a container) alike.
     */
    private static boolean worksIn(Path process, Path dir) {
        try {
            return Files.isSameFile(process.resolve("cwd"), dir);
        } catch (IOException notOurs) {
            return false;
        }
    }

    /** The local ports of the listening TCP sockets among the process's open files. */
    private static Set<Integer> listeningPorts(Path process) {
        Set<String> inodes = socketInodes(process);
        Set<Integer> ports = new TreeSet<>();
        if (inodes.isEmpty()) {
            return ports;
        }
        for (String table : List.of("net/tcp", "net/tcp6")) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            read(process.resolve(table)).lines().skip(1).forEach(line -> {
                String[] fields = line.strip().split("\\s+");
                if (fields.length > 9 && fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                    String local = fields[1];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            });
        }
        return ports;
    }

    private static Set<String> socketInodes(Path process) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closed) {
                    // closed since it was listed
                }
            });
        } catch (IOException notOurs) {
            return Set.of();
        }
        return inodes;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException gone) {
            return "";
        }
    }
}
