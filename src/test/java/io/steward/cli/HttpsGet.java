package io.steward.cli;

import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * One HTTPS GET on a new client (so a new TLS session: a rotated certificate is seen), trusting the test CA, with
 * or without the client certificate, the protocols and the basic auth given.
 */
record HttpsGet(TestCertificates certs, boolean clientCertificate, String protocol, String user, String password) {

    static HttpsGet trusting(TestCertificates certs) {
        return new HttpsGet(certs, false, null, null, null);
    }

    HttpsGet withClientCertificate() {
        return new HttpsGet(certs, true, protocol, user, password);
    }

    HttpsGet onlyOver(String tlsProtocol) {
        return new HttpsGet(certs, clientCertificate, tlsProtocol, user, password);
    }

    HttpsGet as(String userName, String userPassword) {
        return new HttpsGet(certs, clientCertificate, protocol, userName, userPassword);
    }

    /** Throws an {@link UncheckedIOException} when the handshake fails. */
    HttpResponse<String> get(String url) {
        HttpClient.Builder client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(context());
        if (protocol != null) {
            client.sslParameters(new SSLParameters(null, new String[] {protocol}));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header(
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes()));
        }
        try {
            return client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** The subject of the certificate the server showed. */
    String serverSubject(String url) {
        try {
            HttpResponse<String> response = get(url);
            X509Certificate shown =
                    (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            return shown.getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private SSLContext context() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(
                    "ca", PemFiles.certificates(certs.caCert(), "ca").get(0));
            TrustManagerFactory trustFactory = TrustManagerFactory.getInstance("PKIX");
            trustFactory.init(trust);
            KeyManagerFactory keyFactory = null;
            if (clientCertificate) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry(
                        "client",
                        PemFiles.privateKey(certs.clientKey(), "client key"),
                        new char[0],
                        PemFiles.certificates(certs.clientCert(), "client cert").toArray(X509Certificate[]::new));
                keyFactory = KeyManagerFactory.getInstance("NewSunX509");
                keyFactory.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keyFactory == null ? null : keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
            return context;
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }
}
