package io.steward.backup;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * A storage URL: {@code s3://bucket/prefix}, {@code file:///dir}, {@code file:relative/dir}, or a plain path
 * (a directory).
 */
public record StorageUrl(String bucket, String prefix, Path directory) {

    public static StorageUrl parse(String text) {
        String url = text.strip();
        if (url.startsWith("s3://")) {
            String rest = url.substring(5);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
            if (bucket.length() < 3 || bucket.length() > 63 || !bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
                throw new IllegalArgumentException(
                        "'" + bucket + "' is not a bucket name (3-63 lowercase letters, digits,"
                                + " dots and hyphens), as in s3://my-bucket/redis");
            }
            return new StorageUrl(bucket, prefix, null);
        }
        if (url.startsWith("file://")) {
            try {
                return new StorageUrl(null, null, Path.of(new URI(url)));
            } catch (URISyntaxException | IllegalArgumentException invalid) {
                throw new IllegalArgumentException("'" + url + "' is not a file URL (write file:///var/backups/redis)");
            }
        }
        if (url.startsWith("file:")) {
            return new StorageUrl(null, null, Path.of(url.substring(5)));
        }
        if (url.isEmpty() || url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(
                    "'" + url + "' is not a storage URL (use s3://bucket/prefix or" + " file:///dir)");
        }
        return new StorageUrl(null, null, Path.of(url));
    }

    public boolean isS3() {
        return bucket != null;
    }

    /** Opens the store; S3 settings apply to {@code s3://} URLs only. */
    public BackupStore open(S3Settings s3) {
        return isS3() ? new S3Store(bucket, prefix, s3) : new FileStore(directory);
    }
}
