package io.steward.testing;

import java.io.InputStream;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

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

    /**
     * A server whose credentials may list and read but not write or delete, as an IAM user without s3:PutObject
     * and s3:DeleteObject: those requests are answered 403 AccessDenied. Buckets can still be created.
     */
    public static S3Server startReadOnly() {
        return startRefusing(true);
    }

    /**
     * A server whose credentials may list, read and write but not delete, as an IAM user without s3:DeleteObject
     * (backups whose retention is the bucket's lifecycle rule): deletes are answered 403 AccessDenied.
     */
    public static S3Server startWithoutDelete() {
        return startRefusing(false);
    }

    private static S3Server startRefusing(boolean writes) {
        S3Server server =
                new S3Server(new Refusing(BlobStores.create("transient", new Properties()), writes), FreePort.find());
        server.startProxy();
        return server;
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

    /** Refuses deletes, and writes too when told, as S3 refuses what a credential's policy does not allow. */
    private static final class Refusing extends ForwardingBlobStore {
        private final boolean writes;

        Refusing(BlobStore blobs, boolean writes) {
            super(blobs);
            this.writes = writes;
        }

        private static S3ProxyException denied() {
            return new S3ProxyException(S3ErrorCode.ACCESS_DENIED);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            if (writes) {
                throw denied();
            }
            return super.putBlob(request, content);
        }

        @Override
        public CopyObjectResponse copyBlob(CopyObjectRequest request) {
            if (writes) {
                throw denied();
            }
            return super.copyBlob(request);
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            if (writes) {
                throw denied();
            }
            return super.initiateMultipartUpload(request);
        }

        @Override
        public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
            throw denied();
        }

        @Override
        public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
            throw denied();
        }
    }

    @Override
    public void close() {
        if (proxy != null && !proxy.getState().equals("STOPPED")) {
            stop();
        }
    }
}
