package io.steward.backup;

import io.steward.collector.RedisCommandFailure;
import io.steward.collector.SaveControl;
import io.steward.collector.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Which way a backup reads the RDB: from the server's own file, or over the replication protocol. */
final class SourceChoice {

    private SourceChoice() {}

    /**
     * Whether to BGSAVE and read the file. {@code auto} does so only when the server runs on this host and its
     * directory is readable here: a directory of the same name on another host holds another server's file.
     */
    static boolean local(BackupOptions.Source source, Target node, SaveControl server) {
        return switch (source) {
            case LOCAL -> true;
            case REPLICATION -> false;
            case AUTO -> node.isOnThisHost() && readableDirectory(server);
        };
    }

    private static boolean readableDirectory(SaveControl server) {
        try {
            Optional<Path> file = server.rdbFile();
            return file.map(Path::getParent)
                    .filter(Path::isAbsolute)
                    .filter(dir -> Files.isDirectory(dir) && Files.isReadable(dir))
                    .isPresent();
        } catch (RedisCommandFailure notAllowed) {
            // A backup user without CONFIG GET takes its copy over replication.
            return false;
        }
    }
}
