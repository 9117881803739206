package io.steward.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and checks a web config file ({@code --web.config.file}): unknown keys, a bad bcrypt hash, a header that may
 * not be set and an unreadable certificate or key are {@link ConfigException}s naming the file, line, column and
 * key. Relative paths in it are relative to the file's own directory.
 */
final class WebConfigReader {

    /** The headers a web config may set, as every Prometheus exporter allows them: security headers only. */
    static final List<String> ALLOWED_HEADERS = List.of(
            "Strict-Transport-Security",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "X-XSS-Protection",
            "Content-Security-Policy");

    private static final Map<String, String> PROTOCOLS =
            Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");
    private static final List<String> PROTOCOL_ORDER = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private static final Logger logger = LoggerFactory.getLogger(WebConfigReader.class);

    private final ConfigLoader loader = new ConfigLoader(PropertyNamingStrategies.SNAKE_CASE);

    WebConfig read(Path file) {
        ConfigLoader.Loaded<WebConfigFile> loaded =
                loader.read(file, "web config file", WebConfigFile.class, WebConfigFile.EMPTY);
        ConfigFile where = loaded.where();
        WebConfigFile raw = loaded.value();
        Path base = file.toAbsolutePath().getParent();
        List<Path> named = new ArrayList<>();
        WebConfig.Tls tls = raw.tlsServerConfig() == null ? null : tls(raw.tlsServerConfig(), where, base, named);
        Map<String, String> users = users(raw.basicAuthUsers(), where);
        if (raw.httpServerConfig() != null && raw.httpServerConfig().http2() != null) {
            logger.info(
                    "{}: http_server_config.http2 is ignored: the agent serves HTTP/1.1",
                    where.at("http_server_config.http2"));
        }
        Map<String, String> headers = raw.httpServerConfig() == null
                ? Map.of()
                : headers(raw.httpServerConfig().headers(), where);
        List<Path> files = new ArrayList<>(List.of(file));
        files.addAll(named);
        return new WebConfig(file, tls, users, headers, files, fingerprint(files));
    }

    private static WebConfig.Tls tls(
            WebConfigFile.TlsServerConfig config, ConfigFile where, Path base, List<Path> named) {
        String section = "tls_server_config";
        Path certFile = file(config.certFile(), base, where, section + ".cert_file");
        Path keyFile = file(config.keyFile(), base, where, section + ".key_file");
        named.add(certFile);
        named.add(keyFile);
        List<X509Certificate> chain = PemFiles.certificates(certFile, where.at(section + ".cert_file"));
        PrivateKey key = PemFiles.privateKey(keyFile, where.at(section + ".key_file"));
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new ConfigException(where.at(section + ".key_file") + ": " + keyFile
                    + " is not the key of the certificate in " + certFile);
        }
        WebConfig.ClientAuth clientAuth = clientAuth(config.clientAuthType(), where, section + ".client_auth_type");
        List<X509Certificate> clientCas = List.of();
        if (config.clientCaFile() != null) {
            if (!clientAuth.verify
                    && clientAuth != WebConfig.ClientAuth.RequestClientCert
                    && clientAuth != WebConfig.ClientAuth.RequireAnyClientCert) {
                throw new ConfigException(where.at(section + ".client_ca_file")
                        + ": client CAs are given but client_auth_type is NoClientCert: set client_auth_type"
                        + " (RequireAndVerifyClientCert, for one)");
            }
            Path caFile = file(config.clientCaFile(), base, where, section + ".client_ca_file");
            named.add(caFile);
            clientCas = PemFiles.certificates(caFile, where.at(section + ".client_ca_file"));
        } else if (clientAuth.verify) {
            throw new ConfigException(where.at(section + ".client_auth_type") + ": " + clientAuth
                    + " verifies client certificates: give the CAs that sign them in client_ca_file");
        }
        WebConfig.Tls tls = new WebConfig.Tls(
                chain, key, clientCas, clientAuth, protocols(config.minVersion(), where, section + ".min_version"));
        try {
            WebTls.check(tls);
        } catch (ConfigException unusable) {
            throw new ConfigException(where.at(section) + ": " + unusable.getMessage());
        }
        return tls;
    }

    private static Path file(String value, Path base, ConfigFile where, String key) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(where.at(key) + ": missing (a PEM file)");
        }
        try {
            return base.resolve(value);
        } catch (java.nio.file.InvalidPathException invalid) {
            throw new ConfigException(where.at(key) + ": '" + value + "' is not a path");
        }
    }

    private static WebConfig.ClientAuth clientAuth(String value, ConfigFile where, String key) {
        if (value == null || value.isBlank()) {
            return WebConfig.ClientAuth.NoClientCert;
        }
        return Arrays.stream(WebConfig.ClientAuth.values())
                .filter(auth -> auth.name().equals(value))
                .findFirst()
                .orElseThrow(() -> new ConfigException(where.at(key) + ": '" + value + "' is not one of "
                        + Arrays.stream(WebConfig.ClientAuth.values())
                                .map(Enum::name)
                                .collect(Collectors.joining(", "))));
    }

    private static List<String> protocols(String value, ConfigFile where, String key) {
        String oldest = PROTOCOLS.get(value == null || value.isBlank() ? "TLS12" : value);
        if (oldest == null) {
            throw new ConfigException(where.at(key) + ": '" + value + "' is not one of TLS10, TLS11, TLS12, TLS13");
        }
        return PROTOCOL_ORDER.subList(PROTOCOL_ORDER.indexOf(oldest), PROTOCOL_ORDER.size());
    }

    private static Map<String, String> users(Map<String, String> users, ConfigFile where) {
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> user : users.entrySet()) {
            String key = "basic_auth_users." + user.getKey();
            if (user.getKey() == null
                    || user.getKey().isEmpty()
                    || user.getKey().contains(":")) {
                throw new ConfigException(where.at(key) + ": a user name must be non-empty and hold no ':'");
            }
            String hash = user.getValue();
            if (hash == null || !isBcrypt(hash)) {
                // The value is not repeated: it may be a password written where its hash belongs.
                throw new ConfigException(where.at(key) + ": not a bcrypt hash (make one with htpasswd -nBC 10 \"\""
                        + " | tr -d ':\\n')");
            }
            checked.put(user.getKey(), hash);
        }
        return checked;
    }

    private static boolean isBcrypt(String hash) {
        byte[] bytes = hash.getBytes(StandardCharsets.UTF_8);
        try {
            for (BCrypt.Version version : BCrypt.Version.SUPPORTED_VERSIONS) {
                if (hash.startsWith("$" + new String(version.versionIdentifier, StandardCharsets.US_ASCII) + "$")) {
                    version.parser.parse(bytes);
                    return true;
                }
            }
            return false;
        } catch (IllegalBCryptFormatException | RuntimeException malformed) {
            return false;
        }
    }

    private static Map<String, String> headers(Map<String, String> headers, ConfigFile where) {
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String key = "http_server_config.headers." + header.getKey();
            String name = ALLOWED_HEADERS.stream()
                    .filter(allowed -> allowed.equalsIgnoreCase(header.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(where.at(key) + ": this header may not be set (allowed: "
                            + String.join(", ", ALLOWED_HEADERS) + ")"));
            String value = header.getValue();
            if (value == null || value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new ConfigException(where.at(key) + ": needs a value of one line");
            }
            checked.put(name, value);
        }
        return checked;
    }

    /** A digest of the files' contents, so that a changed certificate counts as a change of the web config. */
    static String fingerprint(List<Path> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path path : files) {
                digest.update(path.toString().getBytes(StandardCharsets.UTF_8));
                try {
                    digest.update(Files.readAllBytes(path));
                } catch (IOException gone) {
                    digest.update((byte) 0); // reading it again fails, and says why
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
