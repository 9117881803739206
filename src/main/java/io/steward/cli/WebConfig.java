package io.steward.cli;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * The web config, read and checked: TLS (null: plain HTTP), the users of basic auth (none: no auth) and the headers
 * of every response.
 *
 * @param file the web config file, null when there is none
 * @param users bcrypt hash by user name
 * @param headers by their canonical names
 * @param files the file and every file it names, whose change is a change of the web config
 * @param fingerprint of the contents of {@code files} when they were read
 */
record WebConfig(
        Path file,
        Tls tls,
        Map<String, String> users,
        Map<String, String> headers,
        List<Path> files,
        String fingerprint) {

    /** No web config: plain HTTP, no auth, no extra headers. */
    static final WebConfig NONE = new WebConfig(null, null, Map.of(), Map.of(), List.of(), "");

    WebConfig {
        users = Map.copyOf(users);
        headers = Map.copyOf(headers);
        files = List.copyOf(files);
    }

    boolean hasUsers() {
        return !users.isEmpty();
    }

    /**
     * The server's certificate chain and key, the CAs that sign client certificates, which clients must show one,
     * and the protocols allowed.
     *
     * @param protocols the JDK's names of the TLS versions allowed, oldest first
     */
    record Tls(
            List<X509Certificate> chain,
            PrivateKey key,
            List<X509Certificate> clientCas,
            ClientAuth clientAuth,
            List<String> protocols) {

        Tls {
            chain = List.copyOf(chain);
            clientCas = List.copyOf(clientCas);
            protocols = List.copyOf(protocols);
        }

        @Override
        public String toString() {
            return "Tls[" + chain.get(0).getSubjectX500Principal() + ", " + clientAuth + ", " + protocols + "]";
        }
    }

    /** {@code client_auth_type}, as every Prometheus exporter names its values. */
    enum ClientAuth {
        NoClientCert(false, false, false),
        RequestClientCert(true, false, false),
        RequireAnyClientCert(false, true, false),
        VerifyClientCertIfGiven(true, false, true),
        RequireAndVerifyClientCert(false, true, true);

        final boolean want;
        final boolean need;
        final boolean verify;

        ClientAuth(boolean want, boolean need, boolean verify) {
            this.want = want;
            this.need = need;
            this.verify = verify;
        }
    }

    @Override
    public String toString() {
        return "WebConfig[" + file + ", tls=" + tls + ", users=" + users.keySet() + ", headers=" + headers.keySet()
                + "]";
    }
}
