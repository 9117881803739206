package io.steward.cli;

import java.util.Map;

/**
 * The web config file as written, in the format every Prometheus exporter reads (snake_case keys): TLS, the users
 * of basic auth with their bcrypt hashes, and response headers. {@link WebConfigReader} checks it.
 */
record WebConfigFile(
        TlsServerConfig tlsServerConfig, HttpServerConfig httpServerConfig, Map<String, String> basicAuthUsers) {

    static final WebConfigFile EMPTY = new WebConfigFile(null, null, null);

    WebConfigFile {
        basicAuthUsers = basicAuthUsers == null ? Map.of() : basicAuthUsers;
    }

    /** {@code tls_server_config:} PEM files, which clients must show a certificate, the oldest TLS version. */
    record TlsServerConfig(
            String certFile, String keyFile, String clientCaFile, String clientAuthType, String minVersion) {}

    /** {@code http_server_config:} headers sent with every response; {@code http2} is accepted and ignored. */
    record HttpServerConfig(Boolean http2, Map<String, String> headers) {

        HttpServerConfig {
            headers = headers == null ? Map.of() : headers;
        }
    }

    /** Keeps bcrypt hashes out of logs and messages. */
    @Override
    public String toString() {
        return "WebConfigFile[tls=" + (tlsServerConfig != null) + ", users=" + basicAuthUsers.keySet() + "]";
    }
}
