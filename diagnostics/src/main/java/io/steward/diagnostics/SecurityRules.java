package io.steward.diagnostics;

import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.AclUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Who can connect and what they may do. Never reads requirepass or masterauth: only ACL flags and bind. */
final class SecurityRules {

    private SecurityRules() {}

    static List<Rule> all() {
        return List.of(noPassword(), exposed(), dangerousCommands(), authFailures());
    }

    /** Whether {@code bind} listens only on loopback addresses ({@code 127.0.0.1 -::1}). */
    static boolean loopbackOnly(String bind) {
        String[] addresses = bind.strip().split("\\s+");
        if (bind.isBlank()) {
            return false;
        }
        for (String address : addresses) {
            String a = address.startsWith("-") ? address.substring(1) : address;
            if (!a.startsWith("127.") && !a.equals("::1") && !a.equals("localhost")) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code bind} listens on every interface ({@code *}, {@code 0.0.0.0}, {@code ::}, or nothing). */
    static boolean allInterfaces(String bind) {
        for (String address : bind.strip().split("\\s+")) {
            String a = address.startsWith("-") ? address.substring(1) : address;
            if (a.equals("*") || a.equals("0.0.0.0") || a.equals("::") || a.equals("::*")) {
                return true;
            }
        }
        return bind.isBlank();
    }

    static Rule noPassword() {
        return Rule.of("security-no-password", Area.SECURITY, Set.of(Source.ACL), o -> {
            List<AclUser> open =
                    o.aclUsers().stream().filter(u -> u.enabled() && u.nopass()).toList();
            if (open.isEmpty()) {
                return Optional.empty();
            }
            Optional<String> bind = o.configText("bind");
            boolean local = bind.map(SecurityRules::loopbackOnly).orElse(false);
            List<String> evidence = new ArrayList<>();
            for (AclUser user : open) {
                evidence.add("ACL user " + user.name() + " is on with nopass"
                        + (user.allCommands() ? " and may run every command" : ""));
            }
            evidence.add(bind.map(b ->
                            "bind " + b + (local ? ": reachable from this host only" : ": reachable from other hosts"))
                    .orElse("bind unknown (CONFIG GET refused)"));
            return Optional.of(new Symptom(
                    local ? Severity.WARNING : Severity.CRITICAL,
                    "Anyone who can reach the port can use Redis without a password",
                    evidence,
                    "ACL SETUSER " + open.get(0).name() + " on resetpass >a-long-random-password (or requirepass in"
                            + " redis.conf), then give the clients the password\nBetter: one ACL user per application"
                            + " with only the commands it needs, and ACL SETUSER default off"));
        });
    }

    static Rule exposed() {
        return Rule.of("security-exposed", Area.SECURITY, Set.of(Source.CONFIG), o -> {
            String bind = o.configText("bind").orElse("");
            boolean protectedMode = o.configText("protected-mode").orElse("yes").equals("yes");
            if (protectedMode || !allInterfaces(bind)) {
                return Optional.empty();
            }
            boolean aclKnown = o.unavailable(Source.ACL).isEmpty();
            boolean defaultOpen =
                    o.aclUsers().stream().anyMatch(u -> u.name().equals("default") && u.enabled() && u.nopass());
            if (aclKnown && !defaultOpen) {
                return Optional.empty(); // protected mode only guards servers without a password
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("protected-mode no and bind \"" + bind + "\": listening on every interface");
            evidence.add(
                    aclKnown
                            ? "the default user has no password"
                            : "whether a password is set is unknown: "
                                    + o.unavailable(Source.ACL).orElse(""));
            return Optional.of(new Symptom(
                    aclKnown ? Severity.CRITICAL : Severity.WARNING,
                    "Open to every network: protected mode is off and Redis listens on all interfaces",
                    evidence,
                    "CONFIG SET bind \"<the private address clients use> 127.0.0.1\"\nCONFIG SET protected-mode yes"
                            + "\nSet a password (see security-no-password) and firewall the port"));
        });
    }

    static Rule dangerousCommands() {
        return Rule.of("security-dangerous-commands", Area.SECURITY, Set.of(Source.CONFIG), o -> {
            List<String> enabled = new ArrayList<>();
            for (String option : List.of("enable-debug-command", "enable-module-command", "enable-protected-configs")) {
                if (o.configText(option).orElse("no").equals("yes")) {
                    enabled.add(option);
                }
            }
            List<String> broadUsers = o.aclUsers().stream()
                    .filter(u ->
                            u.enabled() && u.dangerousCommands() && !u.name().equals("default"))
                    .map(AclUser::name)
                    .toList();
            if (enabled.isEmpty() && broadUsers.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            enabled.forEach(option -> evidence.add(option + " yes: any client may use it, not only local ones"));
            if (!broadUsers.isEmpty()) {
                evidence.add("ACL users with @dangerous commands (CONFIG, FLUSHALL, DEBUG, KEYS, SHUTDOWN...): "
                        + String.join(", ", broadUsers));
            }
            List<String> remedy = new ArrayList<>();
            if (!enabled.isEmpty()) {
                remedy.add("In redis.conf: " + String.join(" local, ", enabled) + " local (or no); these cannot be"
                        + " changed at runtime, so restart");
            }
            if (!broadUsers.isEmpty()) {
                remedy.add("ACL SETUSER " + broadUsers.get(0) + " -@dangerous, and grant each application only the"
                        + " commands it uses");
            }
            return Optional.of(new Symptom(
                    enabled.isEmpty() ? Severity.INFO : Severity.WARNING,
                    enabled.isEmpty()
                            ? "Application users may run dangerous commands"
                            : "Dangerous commands are enabled for remote clients",
                    evidence,
                    String.join("\n", remedy)));
        });
    }

    static Rule authFailures() {
        return Rule.of("security-auth-failures", Area.SECURITY, Set.of(Source.INFO, Source.RATES), o -> {
            double wrong = o.errorDelta("WRONGPASS").orElse(0);
            double missing = o.errorDelta("NOAUTH").orElse(0);
            if (wrong + missing <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(wrong + missing, "failed authentication") + " during the sample",
                    List.of("in " + duration(o.seconds()) + ": errorstat_WRONGPASS +" + count(wrong)
                            + ", errorstat_NOAUTH +" + count(missing)),
                    "ACL LOG shows which client address and user failed: fix that client's credentials, or block the"
                            + " source if nobody knows it"));
        });
    }
}
