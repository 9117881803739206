package io.steward.cli;

import java.util.List;

/**
 * The configuration file as written (YAML, kebab-case keys). Values stay text here; {@link ConfigLoader}
 * checks and converts them, naming the key path of anything wrong.
 */
public record StewardConfig(Web web, List<TargetEntry> targets, Doctor doctor) {

    public StewardConfig {
        web = web == null ? new Web(null) : web;
        targets = targets == null ? List.of() : List.copyOf(targets);
        doctor = doctor == null ? new Doctor(null) : doctor;
    }

    public static StewardConfig empty() {
        return new StewardConfig(null, null, null);
    }

    /** {@code web:} */
    public record Web(String listenAddress) {
    }

    /** {@code doctor:} how often {@code serve} diagnoses each target. */
    public record Doctor(String interval) {
    }

    /** One entry of {@code targets:}. */
    public record TargetEntry(String name, String uri, String username, String passwordFile, String passwordEnv,
            String pollInterval, String timeout, Tls tls) {
    }

    /** {@code tls:} of a target: PEM files for {@code rediss://}. */
    public record Tls(String caFile, String certFile, String keyFile) {
    }
}
