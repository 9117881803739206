package io.steward.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which redis-server a restore drill loads a backup into: a path given ({@code backup.drill.redis-server} or {@code
 * --redis-server}), {@code none} to parse the RDB only, or else the {@code redis-server} on the PATH of the
 * environment the command was given; without one there, parse only.
 */
record DrillBinary(Optional<Path> path, String how) {

    static final String NONE = "none";
    static final String NOT_ON_PATH = "parse-only: no redis-server on PATH";

    /**
     * A value the user gave; a path that is not an executable file is a config error.
     *
     * @param name the key or flag it was given by ({@code targets[0].backup.drill.redis-server}), and {@code where}
     *     that with its place in the file, for messages
     */
    static DrillBinary given(String value, String name, String where) {
        if (value.isBlank()) {
            throw new ConfigException(
                    where + ": empty; give the path of a redis-server, or none to parse the RDB only");
        }
        if (value.strip().equals(NONE)) {
            return new DrillBinary(Optional.empty(), "parse-only: " + name + " is none");
        }
        Path path = Path.of(value.strip());
        if (!Files.exists(path)) {
            throw new ConfigException(where + ": " + path + " does not exist; give the path of a redis-server, or"
                    + " none to parse the RDB only");
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new ConfigException(where + ": " + path + " is not an executable file; give the path of a"
                    + " redis-server, or none to parse the RDB only");
        }
        return new DrillBinary(Optional.of(path), path + " (" + name + ")");
    }

    /** The first executable {@code redis-server} on {@code PATH}, else parse-only. */
    static DrillBinary onPath(Map<String, String> env) {
        String path = env.get("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return new DrillBinary(Optional.of(candidate), candidate + " (on PATH)");
                }
            }
        }
        return new DrillBinary(Optional.empty(), NOT_ON_PATH);
    }

    /** Whether the drill parses only because no redis-server was found, rather than on purpose. */
    boolean missing() {
        return path.isEmpty() && how.equals(NOT_ON_PATH);
    }
}
