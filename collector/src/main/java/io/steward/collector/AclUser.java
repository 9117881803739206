package io.steward.collector;

import java.util.ArrayList;
import java.util.List;

/**
 * What the doctor keeps of one {@code ACL LIST} line: the user's name and the flags that matter for security.
 * Password hashes are read past and never kept.
 *
 * @param allCommands the user may run every command ({@code +@all} not narrowed later by a {@code -} rule)
 * @param dangerousCommands the user may run {@code @dangerous} commands (CONFIG, FLUSHALL, DEBUG, KEYS...)
 */
public record AclUser(String name, boolean enabled, boolean nopass, boolean allCommands, boolean dangerousCommands) {

    /** Parses the lines of {@code ACL LIST}, such as {@code user default on nopass ~* &* +@all}. */
    static List<AclUser> parse(List<String> lines) {
        List<AclUser> users = new ArrayList<>();
        for (String line : lines) {
            String[] tokens = line.strip().split("\\s+");
            if (tokens.length < 2 || !tokens[0].equals("user")) {
                continue;
            }
            boolean enabled = false;
            boolean nopass = false;
            boolean all = false;
            boolean dangerous = false;
            for (int i = 2; i < tokens.length; i++) {
                String token = tokens[i];
                switch (token) {
                    case "on" -> enabled = true;
                    case "off" -> enabled = false;
                    case "nopass" -> nopass = true;
                    case "resetpass" -> nopass = false;
                    case "+@all", "allcommands" -> {
                        all = true;
                        dangerous = true;
                    }
                    case "-@all", "nocommands" -> {
                        all = false;
                        dangerous = false;
                    }
                    case "+@dangerous" -> dangerous = true;
                    case "-@dangerous" -> {
                        all = false;
                        dangerous = false;
                    }
                    default -> {
                        // A later "-command" narrows "+@all"; password hashes (#...) and patterns are skipped.
                        if (token.startsWith("-") && all) {
                            all = false;
                        }
                    }
                }
            }
            users.add(new AclUser(tokens[1], enabled, nopass, all, dangerous));
        }
        return List.copyOf(users);
    }
}
