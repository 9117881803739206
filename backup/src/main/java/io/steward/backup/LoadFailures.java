package io.steward.backup;

import io.steward.collector.KeyLoadFailure;
import io.steward.collector.MissingPermission;
import io.steward.collector.Target;

/** Turns what stopped a load into one sentence for the operator: what happened, what was changed, what to do. */
final class LoadFailures {

    private LoadFailures() {}

    /**
     * @param manifest the backup being restored
     * @param serverVersion the target's Redis version, or null when it was not reached
     * @param loaded keys loaded so far, or -1 when loading had not begun (nothing was changed)
     * @param target the server (or cluster) loaded into, whose user a missing permission is told of
     */
    static BackupException of(
            KeyLoadFailure failure, Manifest manifest, String serverVersion, long loaded, Target target) {
        String server = failure.server();
        String detail = failure.getMessage();
        String changed = changed(loaded);
        return switch (failure.kind()) {
            case UNREACHABLE -> connect("cannot reach " + server + ": " + detail + changed);
            case AUTH ->
                connect("authentication to " + server + " failed: " + detail
                        + " (check the username and the password file or REDIS_PASSWORD)" + changed);
            case TIMEOUT -> connect(server + " did not answer " + command(failure) + " in time: " + detail + changed);
            case NO_PERMISSION ->
                new BackupException(
                        BackupFailure.REDIS_REFUSED,
                        server + " refused " + command(failure)
                                + (failure.key() == null ? "" : " of key '" + failure.key() + "'") + " ("
                                + MissingPermission.explain(target, detail) + "): a restore needs ~* +info +select"
                                + " +exists +restore, and on a cluster ~* +info +exists +restore +dbsize +cluster|info"
                                + " +cluster|nodes (see the README's Least privilege)" + changed);
            case PAYLOAD_REJECTED ->
                load(server + (serverVersion == null ? "" : " (Redis " + serverVersion + ")")
                        + " cannot read the backup's values (" + detail + "): backup " + manifest.id()
                        + " is RDB version " + manifest.rdbVersion() + sourceVersion(manifest)
                        + "; load it into that Redis version or a later one" + changed);
            case OUT_OF_MEMORY ->
                load(server + " is out of memory (" + detail + "): raise its maxmemory or free memory" + changed);
            case CLUSTER_REDIRECT ->
                load("the cluster moved slots or went down during the restore (" + server + ": " + detail
                        + "): wait until it is stable (cluster_state:ok, no resharding)" + changed);
            case READ_ONLY -> load(server + " is a replica (" + detail + "): restore into its primary" + changed);
            case KEY_EXISTS ->
                load("key '" + failure.key() + "' was created in " + server + " during the restore (" + detail + ")"
                        + changed);
            case CLUSTER_NODE ->
                target(server + " is a Redis Cluster node: use --to-cluster redis://" + server
                        + " to restore into the cluster; nothing was changed");
            case NOT_A_CLUSTER ->
                target(server + " is not in cluster mode (cluster_enabled:0): use --to redis://" + server
                        + "; nothing was changed");
            case CLUSTER_DOWN ->
                target(detail + ": the cluster must serve all its slots (redis-cli --cluster check " + server
                        + "); nothing was changed");
            case ERROR_REPLY ->
                load(server + " refused " + command(failure)
                        + (failure.key() == null ? "" : " of key '" + failure.key() + "'") + ": " + detail
                        + (failure.command() != null && failure.command().startsWith("SELECT")
                                ? " (it has fewer databases than the backup uses: raise its databases setting)"
                                : "")
                        + changed);
        };
    }

    private static String changed(long loaded) {
        if (loaded < 0) {
            return "; nothing was changed";
        }
        if (loaded == 0) {
            return "; no key was loaded";
        }
        return "; " + loaded + " keys were loaded before it stopped and the rest were not: fix the cause, then run"
                + " the restore again with --replace";
    }

    private static String command(KeyLoadFailure failure) {
        return failure.command() == null ? "the connection" : failure.command();
    }

    private static String sourceVersion(Manifest manifest) {
        return manifest.redisVersion() == null ? "" : ", written by Redis " + manifest.redisVersion();
    }

    private static BackupException connect(String message) {
        return new BackupException(BackupFailure.REDIS_CONNECT, message);
    }

    private static BackupException load(String message) {
        return new BackupException(BackupFailure.LOAD_FAILED, message);
    }

    private static BackupException target(String message) {
        return new BackupException(BackupFailure.RESTORE_TARGET, message);
    }
}
