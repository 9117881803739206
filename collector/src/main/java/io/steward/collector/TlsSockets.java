package io.steward.collector;

import io.lettuce.core.SslVerifyMode;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS for the plain sockets a replication sync uses, with the same files and the same checks as the target's Lettuce
 * connections: its CA (or the JVM's trust store), its client certificate, and the URI's verify mode.
 */
final class TlsSockets {

    private TlsSockets() {}

    static SSLSocket wrap(Socket plain, Target target) throws IOException {
        SSLContext context = context(target);
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, target.uri().getHost(), target.uri().getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        if (target.uri().getVerifyMode() == SslVerifyMode.FULL) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    private static SSLContext context(Target target) throws IOException {
        TlsFiles files = target.tls();
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (target.uri().getVerifyMode() == SslVerifyMode.NONE) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (files.caFile() != null) {
            builder.trustManager(files.caFile().toFile());
        }
        if (files.certFile() != null) {
            builder.keyManager(files.certFile().toFile(), files.keyFile().toFile());
        }
        return ((JdkSslContext) builder.build()).context();
    }
}
