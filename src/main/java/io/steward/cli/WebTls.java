package io.steward.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTPS side of the web server. The JDK's server takes one {@link SSLContext} for its life, so the context's key
 * and trust managers hand each handshake to those of the web config in use, and the configurator sets each new
 * connection's client-certificate demand and protocols from it: a rotated certificate, a new client CA or another
 * {@code client_auth_type} applies to the next connection, without a restart.
 */
final class WebTls {

    /** What a handshake uses: built from one {@link WebConfig.Tls}. */
    private record Managers(WebConfig.Tls tls, X509ExtendedKeyManager keys, X509ExtendedTrustManager trust) {}

    private volatile Managers current;
    private final SSLContext context;

    WebTls(WebConfig.Tls tls) {
        current = managers(tls);
        try {
            context = SSLContext.getInstance("TLS");
            context.init(
                    new javax.net.ssl.KeyManager[] {new CurrentKeys()},
                    new javax.net.ssl.TrustManager[] {new CurrentTrust()},
                    null);
        } catch (GeneralSecurityException failure) {
            throw new IllegalStateException("the JDK offers no TLS: " + failure.getMessage(), failure);
        }
    }

    /** Throws a {@link ConfigException} when the JDK cannot serve TLS with these. */
    static void check(WebConfig.Tls tls) {
        managers(tls);
    }

    /** From the next handshake on; a {@link ConfigException} leaves the one in use. */
    void use(WebConfig.Tls tls) {
        current = managers(tls);
    }

    HttpsConfigurator configurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                WebConfig.Tls tls = current.tls();
                SSLParameters parameters = context.getDefaultSSLParameters();
                List<String> supported =
                        Arrays.asList(context.getSupportedSSLParameters().getProtocols());
                parameters.setProtocols(
                        tls.protocols().stream().filter(supported::contains).toArray(String[]::new));
                if (tls.clientAuth().need) {
                    parameters.setNeedClientAuth(true);
                } else if (tls.clientAuth().want) {
                    parameters.setWantClientAuth(true);
                }
                params.setSSLParameters(parameters);
            }
        };
    }

    private static Managers managers(WebConfig.Tls tls) {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", tls.key(), password, tls.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keyFactory = KeyManagerFactory.getInstance("NewSunX509");
            keyFactory.init(keys, password);
            KeyStore cas = KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            for (int i = 0; i < tls.clientCas().size(); i++) {
                cas.setCertificateEntry("ca-" + i, tls.clientCas().get(i));
            }
            X509ExtendedTrustManager trust = null;
            if (tls.clientAuth().verify) {
                TrustManagerFactory trustFactory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustFactory.init(cas);
                trust = (X509ExtendedTrustManager) trustFactory.getTrustManagers()[0];
            }
            return new Managers(tls, (X509ExtendedKeyManager) keyFactory.getKeyManagers()[0], trust);
        } catch (GeneralSecurityException | java.io.IOException unusable) {
            throw new ConfigException(
                    "tls_server_config: the certificate and key cannot serve TLS: " + unusable.getMessage());
        }
    }

    /** The server's certificate and key of the web config in use. */
    private final class CurrentKeys extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.keys().getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current.keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current.keys().getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /**
     * Client certificates: checked against the client CAs when {@code client_auth_type} verifies them, any taken
     * when it only asks for one ({@code RequestClientCert}, {@code RequireAnyClientCert}).
     */
    private final class CurrentTrust extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            X509ExtendedTrustManager trust = current.trust();
            if (trust != null) {
                trust.checkClientTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            X509ExtendedTrustManager trust = current.trust();
            if (trust != null) {
                trust.checkClientTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            X509ExtendedTrustManager trust = current.trust();
            if (trust != null) {
                trust.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return current.tls().clientCas().toArray(X509Certificate[]::new);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the agent's web server checks no server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the agent's web server checks no server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the agent's web server checks no server certificates");
        }
    }
}
