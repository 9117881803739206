package io.steward.collector;

import java.nio.file.Path;

/**
 * PEM files for {@code rediss://} targets: the CA to trust (null: the JVM's default trust store) and, for
 * servers with {@code tls-auth-clients yes}, the client certificate and its PKCS#8 key.
 */
public record TlsFiles(Path caFile, Path certFile, Path keyFile) {

    public static final TlsFiles NONE = new TlsFiles(null, null, null);

    public TlsFiles {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs both cert-file and key-file");
        }
    }

    public boolean isEmpty() {
        return caFile == null && certFile == null;
    }
}
