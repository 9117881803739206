package io.steward.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags that tell how to reach a Redis given as a URI on the command line: ACL user, password file, TLS files.
 * Shared by every command that connects, so they read and behave the same everywhere; {@link Settings#uriTargets}
 * resolves them. Targets of the config file carry their own.
 */
final class ConnectionOptions {

    @Option(
            names = "--username",
            paramLabel = "USER",
            description = "ACL username for URI targets (env REDIS_USERNAME).")
    String username;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description =
                    "File holding the password for URI targets (or env REDIS_PASSWORD; never on the command line).")
    Path passwordFile;

    @Option(names = "--cluster", description = "The URI targets are seeds of a Redis Cluster: watch every node of it.")
    boolean cluster;

    @Option(
            names = "--sentinel-username",
            paramLabel = "USER",
            description = "ACL username of the Sentinels of a redis-sentinel:// URI (env REDIS_SENTINEL_USERNAME).")
    String sentinelUsername;

    @Option(
            names = "--sentinel-password-file",
            paramLabel = "FILE",
            description = "File holding the Sentinels' password (or env REDIS_SENTINEL_PASSWORD).")
    Path sentinelPasswordFile;

    @Option(names = "--tls-ca-file", paramLabel = "FILE", description = "PEM CA to trust for rediss:// URI targets.")
    String tlsCaFile;

    @Option(
            names = "--tls-cert-file",
            paramLabel = "FILE",
            description = "PEM client certificate for rediss:// (servers with tls-auth-clients).")
    String tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE", description = "PKCS#8 PEM key of --tls-cert-file.")
    String tlsKeyFile;
}
