package io.steward.cli;

import io.steward.collector.Target;
import io.steward.collector.TargetUri;
import io.steward.collector.TlsFiles;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which servers {@code /scrape?target=} may poll, and with what. A configured target, given by its name or by its
 * {@code host:port}, is polled as configured: its own credentials and TLS files. Any other {@code host:port} only
 * when a pattern of {@code web.scrape-allow} matches it, and then with the credentials configured for the
 * allow-list, or none: a credential never goes to a host it was not configured for. Everything else is refused
 * before a connection is opened.
 *
 * @param allowedCredentials {@code web.scrape-username} and {@code web.scrape-password-file} (or {@code -env})
 * @param timeout the connect and command timeout for hosts of the allow-list
 */
record ScrapePolicy(
        List<Target> configured,
        List<HostPattern> allowed,
        Credentials allowedCredentials,
        Duration timeout,
        Function<String, Optional<Target>> memberAt) {

    /** What to do with a {@code /scrape?target=} value. */
    sealed interface Decision {
        record Poll(Target target) implements Decision {}

        /** @param explanation for the client: why, and how to allow it */
        record Refuse(String address, String explanation) implements Decision {}
    }

    /**
     * @param memberAt the member of a configured group at a {@code host:port}, if any: the multi-target pattern
     *     scrapes the members {@code /discover} lists, each with its group's credentials
     */
    ScrapePolicy {
        configured = List.copyOf(configured);
        allowed = List.copyOf(allowed);
    }

    ScrapePolicy(List<Target> configured, List<HostPattern> allowed, Credentials allowedCredentials, Duration timeout) {
        this(configured, allowed, allowedCredentials, timeout, address -> Optional.empty());
    }

    /** This policy, with the members of the running agent's groups. */
    ScrapePolicy withMembers(Function<String, Optional<Target>> members) {
        return new ScrapePolicy(configured, allowed, allowedCredentials, timeout, members);
    }

    /** Throws {@link ConfigException} for a value that is not a Redis URI at all. */
    Decision decide(String value) {
        Optional<Target> byName =
                configured.stream().filter(t -> t.name().equals(value)).findFirst();
        if (byName.isPresent()) {
            return new Decision.Poll(byName.get());
        }
        if (TargetUri.hasUserInfo(value)) {
            throw new ConfigException("target: /scrape takes no credentials in the URI; give them in the config file"
                    + " (password-file of the target, or web.scrape-password-file for the hosts of web.scrape-allow)");
        }
        TargetUri uri = TargetFactory.parse(value, "target");
        String address = uri.isSentinel() ? uri.toString() : uri.address();
        Optional<Target> byAddress = configured.stream()
                .filter(t -> t.address().toLowerCase(Locale.ROOT).equals(address.toLowerCase(Locale.ROOT)))
                .findFirst()
                .or(() -> uri.isSentinel() ? Optional.empty() : memberAt.apply(address));
        if (byAddress.isPresent()) {
            return new Decision.Poll(byAddress.get());
        }
        boolean everyHostAllowed = !uri.isSocket()
                && uri.hosts().stream()
                        .allMatch(host -> allowed.stream().anyMatch(p -> p.matches(hostOf(host), portOf(host))));
        if (everyHostAllowed && uri.hosts().size() > 1 && !uri.isSentinel()) {
            throw new ConfigException("target: '" + address + "' names several servers; /scrape takes one server or"
                    + " a redis-sentinel:// group");
        }
        if (everyHostAllowed) {
            return new Decision.Poll(uri.target(
                    uri.isSentinel() ? address : uri.address(),
                    allowedCredentials.login(),
                    TargetUri.Login.NONE,
                    timeout,
                    Target.DEFAULT_POLL_INTERVAL,
                    TlsFiles.NONE));
        }
        return new Decision.Refuse(address, refusal(address));
    }

    private static String hostOf(String hostAndPort) {
        return hostAndPort.substring(0, hostAndPort.lastIndexOf(':'));
    }

    private static int portOf(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    private String refusal(String address) {
        String example = address.startsWith("/") ? "HOST:PORT" : address;
        return "/scrape does not poll " + address + ": it is not a configured target"
                + (allowed.isEmpty() ? "" : " and no pattern of web.scrape-allow (" + patterns() + ") matches it")
                + ".\nTo allow it, list it in the config file,\n"
                + "  web:\n"
                + "    scrape-allow: [\"" + example + "\"]    # host:port patterns; * matches anything\n"
                + "or start the agent with --web.scrape-allow " + example + ". The hosts of web.scrape-allow get no"
                + " password unless web.scrape-password-file (or web.scrape-password-env, with web.scrape-username)"
                + " gives one for them; a configured target is polled with its own.\n";
    }

    private String patterns() {
        return String.join(", ", allowed.stream().map(HostPattern::toString).toList());
    }
}
