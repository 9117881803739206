package io.steward.cli;

import io.steward.collector.Target;
import java.time.Duration;

/**
 * How the Redis servers that a command line names by URI are reached: the credentials and TLS files of the
 * connection flags (or {@code REDIS_USERNAME} and {@code REDIS_PASSWORD}; a Sentinel group's Sentinels
 * {@code REDIS_SENTINEL_USERNAME} and {@code REDIS_SENTINEL_PASSWORD}), whether the URIs are a cluster's seeds, the
 * poll interval and the timeout.
 */
record UriTargets(
        Credentials credentials,
        Credentials sentinelCredentials,
        boolean cluster,
        StewardConfig.Tls tls,
        Duration pollInterval,
        Duration timeout) {

    /** @param where the flag or argument the URI was given as, for messages */
    Target target(String uri, String where) {
        return TargetFactory.fromUri(uri, where, this);
    }
}
