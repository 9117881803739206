package io.steward.backup;

import io.steward.collector.RootCause;
import java.io.IOException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns the SDK's exceptions into a reason and a sentence that says what to check; never shows a secret. */
final class S3Errors {

    private final String location;
    private final S3Settings settings;

    S3Errors(String location, S3Settings settings) {
        this.location = location;
        this.settings = settings;
    }

    BackupException translate(String doing, SdkException failure) {
        if (failure instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null || s3.awsErrorDetails().errorCode() == null
                    ? ""
                    : s3.awsErrorDetails().errorCode();
            // The error of a HEAD request has no body, so no code: then the status says what happened.
            String said = (code.isEmpty() ? "HTTP " + s3.statusCode() : code)
                    + (s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null
                            ? ""
                            : ": " + s3.awsErrorDetails().errorMessage());
            // For HeadBucket the SDK gives NoSuchBucketException whatever the code.
            if (code.equals("NoSuchBucket") || s3 instanceof NoSuchBucketException) {
                return new BackupException(
                        BackupFailure.STORE_BUCKET,
                        "the bucket of " + location + " does not exist (" + said + "); create it or fix storage.url",
                        failure);
            }
            if (code.equals("AccessDenied")) {
                return new BackupException(
                        BackupFailure.STORE_AUTH,
                        location + " denied access while " + doing + " (" + said + "); its credentials need"
                                + " s3:ListBucket, s3:GetObject and s3:PutObject there, and s3:DeleteObject to prune",
                        failure);
            }
            if (s3.statusCode() == 403 || code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")) {
                return new BackupException(
                        BackupFailure.STORE_AUTH,
                        location + " refused the credentials while " + doing
                                + " (" + said
                                + "); check storage.s3.access-key-env and secret-key-env, or the AWS credentials"
                                + " of the environment",
                        failure);
            }
            if (s3.statusCode() == 412) {
                return new BackupException(
                        BackupFailure.STORE_ERROR,
                        location + ", " + doing + ": the object" + " already exists; nothing was overwritten",
                        failure);
            }
            return new BackupException(
                    BackupFailure.STORE_ERROR,
                    location + " failed while " + doing + " (" + (code.isEmpty() ? "" : "HTTP " + s3.statusCode() + " ")
                            + said + ")",
                    failure);
        }
        // Refused, timed out, reset mid-request, or no progress within an attempt's time: the store is not there
        // (any more), after the SDK's retries.
        if (causedBy(failure, IOException.class) || causedBy(failure, ApiCallAttemptTimeoutException.class)) {
            return new BackupException(
                    BackupFailure.STORE_UNREACHABLE,
                    "cannot reach " + location
                            + (settings.endpoint() == null ? "" : " at " + settings.endpoint()) + " after "
                            + settings.maxAttempts()
                            + " attempts (" + RootCause.message(failure)
                            + "); check storage.s3.endpoint and that the store is up",
                    failure);
        }
        return new BackupException(
                BackupFailure.STORE_ERROR,
                location + " failed while " + doing + ": " + RootCause.message(failure),
                failure);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
