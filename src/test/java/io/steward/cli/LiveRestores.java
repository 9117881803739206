package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.steward.testing.Datasets;
import io.steward.testing.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sources for live restores: servers holding every data type, their backups, and what each key holds. */
final class LiveRestores {

    private LiveRestores() {}

    /** {@code steward backup run} of the server into a {@code file://} store; returns the backup's id. */
    static String backUp(RedisServer server, Path store) {
        Cli.Run run = Cli.run(Map.of(), "backup", "run", "--to", store.toUri().toString(), "--redis", server.uri());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.backupId();
    }

    /** {@code steward backup restore --storage STORE ID} and further arguments. */
    static Cli.Run restore(Map<String, String> env, Path store, String id, String... more) {
        List<String> args = new ArrayList<>(
                List.of("backup", "restore", "--storage", store.toUri().toString(), id));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    /** Every key of the connection's database, with its {@code DEBUG DIGEST-VALUE} and {@code PEXPIRETIME}. */
    static Map<String, String> digests(RedisServer server) {
        Map<String, String> digests = new TreeMap<>();
        RedisCommands<String, String> redis = server.commands();
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            var page = redis.scan(cursor, ScanArgs.Builder.limit(1000));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + 500));
            List<Object> values = server.call("DEBUG", concat("DIGEST-VALUE", batch));
            for (int i = 0; i < batch.size(); i++) {
                digests.put(batch.get(i), String.valueOf(values.get(i)));
            }
        }
        for (String key : Datasets.KEYS_WITH_TTL) {
            if (digests.containsKey(key)) {
                digests.put(
                        key,
                        digests.get(key) + " expires "
                                + server.call("PEXPIRETIME", key).get(0));
            }
        }
        return digests;
    }

    private static String[] concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
