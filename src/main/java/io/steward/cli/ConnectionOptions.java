package io.steward.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags that tell how to reach a Redis given as a URI on the command line (or to {@code /scrape}): ACL user,
 * password file, TLS files. Shared by every command that connects, so they read and behave the same everywhere.
 * Targets of the config file carry their own.
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

    @Option(names = "--tls-ca-file", paramLabel = "FILE", description = "PEM CA to trust for rediss:// URI targets.")
    String tlsCaFile;

    @Option(
            names = "--tls-cert-file",
            paramLabel = "FILE",
            description = "PEM client certificate for rediss:// (servers with tls-auth-clients).")
    String tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE", description = "PKCS#8 PEM key of --tls-cert-file.")
    String tlsKeyFile;

    /** The flags' credentials, each falling back to its environment variable. */
    Credentials credentials(Map<String, String> env) {
        String user = username != null ? username : env.get("REDIS_USERNAME");
        if (passwordFile != null) {
            return new Credentials(user, Credentials.readPasswordFile(passwordFile, "--password-file"));
        }
        return new Credentials(user, env.get("REDIS_PASSWORD"));
    }

    StewardConfig.Tls tls() {
        return new StewardConfig.Tls(tlsCaFile, tlsCertFile, tlsKeyFile);
    }
}
