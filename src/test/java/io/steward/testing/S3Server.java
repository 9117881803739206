package io.steward.testing;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server in this JVM (S3Proxy over an in-memory blob store), on 127.0.0.1 with SigV4
 * credentials. It can be stopped mid-test and started again on the same port with the same contents, as a store
 * that dies and comes back.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "steward-test-access";
    public static final String SECRET_KEY = "steward-test-secret-0123456789";

    private final BlobStore blobs;
    private final int port;
    private S3Proxy proxy;

    private S3Server(BlobStore blobs, int port) {
        this.blobs = blobs;
        this.port = port;
    }

    public static S3Server start() {
        S3Server server = new S3Server(BlobStores.create("transient", new Properties()), FreePort.find());
        server.startProxy();
        return server;
    }

    private void startProxy() {
        try {
            proxy = S3Proxy.builder()
                    .blobStore(blobs)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    // The AWS SDK sends headers S3Proxy does not know (x-amz-mp-object-size, ...).
                    .ignoreUnknownHeaders(true)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .stopTimeout(0)
                    .build();
            proxy.start();
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(10);
            }
        } catch (Exception failure) {
            throw new IllegalStateException("cannot start S3Proxy: " + failure.getMessage(), failure);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of its own, for a test to look inside the store or to create buckets. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client client = client()) {
            client.createBucket(create -> create.bucket(bucket));
        }
    }

    /** Stops serving; the contents stay for {@link #restart()}. */
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception failure) {
            throw new IllegalStateException("cannot stop S3Proxy: " + failure.getMessage(), failure);
        }
    }

    public void restart() {
        startProxy();
    }

    @Override
    public void close() {
        if (proxy != null && !proxy.getState().equals("STOPPED")) {
            stop();
        }
    }
}
