package io.steward.backup;

import io.steward.collector.MissingPermission;
import io.steward.collector.PollFailure;
import io.steward.collector.RedisCommandFailure;
import io.steward.collector.Target;
import java.util.Locale;
import java.util.function.Supplier;

/** What went wrong with a copy over the replication protocol, told so an operator knows what to do. */
final class ReplicationFailures {

    private ReplicationFailures() {}

    static <T> T call(Target node, Supplier<T> sync) {
        try {
            return sync.get();
        } catch (RedisCommandFailure failure) {
            throw refused(node, failure);
        }
    }

    private static BackupException refused(Target node, RedisCommandFailure failure) {
        String detail = failure.getMessage();
        String upper = String.valueOf(detail).toUpperCase(Locale.ROOT);
        if (failure.reason() == PollFailure.REFUSED) {
            return new BackupException(
                    BackupFailure.REDIS_REFUSED,
                    node + " refused the replication sync (" + MissingPermission.explain(node, detail)
                            + "): a backup over replication needs +info +psync +replconf (see the README's Least"
                            + " privilege), or set backup.source: local");
        }
        if (failure.reason() == PollFailure.AUTH) {
            return new BackupException(
                    BackupFailure.REDIS_CONNECT,
                    "authentication to " + node.address() + " failed: " + detail
                            + " (check the username and the password file or variable)");
        }
        if (failure.reason() == PollFailure.TIMEOUT) {
            return new BackupException(
                    BackupFailure.BGSAVE_TIMEOUT,
                    node + " did not send its RDB in time (" + detail + "); nothing was stored. Raise the backup"
                            + " timeout if the data set is this large");
        }
        if (upper.contains("NOMASTERLINK") || upper.contains("LOADING") || upper.contains("MASTERDOWN")) {
            return new BackupException(
                    BackupFailure.SYNC_FAILED,
                    node + " cannot give a copy now (" + detail + "): it is not in sync with its primary;"
                            + " nothing was stored. Back up another member, or retry once its link is up");
        }
        if (failure.errorReply()) {
            return new BackupException(
                    BackupFailure.SYNC_FAILED,
                    node + " refused the replication sync: " + detail + "; nothing was stored");
        }
        return new BackupException(
                BackupFailure.REDIS_CONNECT,
                "replication sync with " + node.address() + " failed ("
                        + failure.reason().label() + ": " + detail + "); nothing was stored");
    }

    /** The connection broke while the RDB was arriving: an output buffer limit, CLIENT KILL, a restart. */
    static BackupException lostDuringTransfer(Target node, RdbUpload.SourceFailure lost) {
        String detail = lost.getMessage();
        if (lost.getCause() instanceof java.net.SocketTimeoutException) {
            detail = "nothing arrived for longer than repl-timeout";
        }
        return new BackupException(
                BackupFailure.SYNC_FAILED,
                "the copy from " + node.address() + " broke after " + lost.bytesRead() + " bytes (" + detail
                        + "); nothing was stored. If the server closed it, check its log: a"
                        + " client-output-buffer-limit for replicas that is too small for the sync, or a CLIENT KILL",
                lost.getCause());
    }
}
