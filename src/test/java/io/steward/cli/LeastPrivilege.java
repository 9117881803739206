package io.steward.cli;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The README's "Least privilege" table, read from README.md itself: the tests make their users from exactly what an
 * operator copies, so the table and the tests cannot drift apart.
 */
final class LeastPrivilege {

    static final String SERVE = "serve";
    static final String DOCTOR = "doctor";
    static final String BACKUP_LOCAL = "backup run --source local";
    static final String BACKUP_REPLICATION = "backup run --source replication";
    static final String RESTORE_TO = "backup restore --to";

    /** A cell border: a pipe not escaped as {@code \|} (the escape keeps {@code config|get} in one cell). */
    private static final Pattern CELL = Pattern.compile("(?<!\\\\)\\|");

    private LeastPrivilege() {}

    /** Each command of the table and its rule, split into its permissions, in the README's order. */
    static Map<String, List<String>> table() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("README.md"));
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
        int start = lines.indexOf("## Least privilege");
        if (start < 0) {
            throw new AssertionError("README.md has no '## Least privilege' section");
        }
        Map<String, List<String>> rules = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = CELL.split(line);
            String command = unquote(cells[1]);
            String rule = unquote(cells[2]).replace("\\|", "|");
            rules.put(command, List.of(rule.split("\\s+")));
        }
        return rules;
    }

    static List<String> rule(String command) {
        List<String> rule = table().get(command);
        if (rule == null) {
            throw new AssertionError("README.md's Least privilege table has no row for " + command);
        }
        return rule;
    }

    /** The rule without one of its permissions. */
    static List<String> without(String command, String permission) {
        List<String> less = new ArrayList<>(rule(command));
        if (!less.remove(permission)) {
            throw new AssertionError(permission + " is not in the rule of " + command);
        }
        return less;
    }

    /** {@code ACL SETUSER name reset on >password RULE}, as the README says to give it. */
    static void setUser(RedisServer server, String name, String password, List<String> rule) {
        List<String> args = new ArrayList<>(List.of("SETUSER", name, "reset", "on", ">" + password));
        args.addAll(rule);
        server.call("ACL", args.toArray(String[]::new));
    }

    /** The commands (as {@code INFO commandstats} names them) a rule allows: {@code +config|get} is config|get. */
    static List<String> commands(List<String> rule) {
        return rule.stream()
                .filter(permission -> permission.startsWith("+"))
                .map(permission -> permission.substring(1))
                .toList();
    }

    private static String unquote(String cell) {
        String text = cell.strip();
        if (!text.startsWith("`") || !text.endsWith("`")) {
            throw new AssertionError("expected a `code` cell in README.md's Least privilege table: " + cell);
        }
        return Arrays.stream(text.substring(1, text.length() - 1).split("`"))
                .reduce("", String::concat)
                .strip();
    }
}
