package io.steward.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * {@code manifest.json}: what one backup holds and how to check it. It is written last, after the data object,
 * so a backup without a manifest does not exist.
 *
 * @param keys keys per database ({@code db0} -> count) from {@code INFO keyspace} when the save finished
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int schemaVersion,
        String id,
        String target,
        String startedAt,
        String finishedAt,
        Source source,
        Rdb rdb,
        Stored stored,
        Map<String, Long> keys,
        String agentVersion) {

    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The server the RDB came from.
     *
     * @param method how the RDB was taken: {@code local} (BGSAVE, then its file) or {@code replication} (a full sync)
     * @param replicationId the replication id the server gave with the sync (its primary's, on a replica), with
     *     {@code replicationOffset} the point in the primary's history the copy holds
     * @param why for a member of a group: why this member gave the copy
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(
            String address,
            String redisVersion,
            String runId,
            String role,
            long replicationOffset,
            String method,
            String replicationId,
            String why) {

        public static final String LOCAL = "local";
        public static final String REPLICATION = "replication";

        public Source(String address, String redisVersion, String runId, String role, long replicationOffset) {
            this(address, redisVersion, runId, role, replicationOffset, LOCAL, null, null);
        }

        public Source because(String reason) {
            return new Source(address, redisVersion, runId, role, replicationOffset, method, replicationId, reason);
        }
    }

    /** The RDB as Redis wrote it; {@code file} is where it was read from, null for one taken over replication. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rdb(String file, int version, long size, String sha256, String crc64) {}

    /** The object in the store: its key relative to the store, compression, size and SHA-256. */
    public record Stored(String object, String compression, long size, String sha256) {}

    public Instant started() {
        return Instant.parse(startedAt);
    }

    public Instant finished() {
        return Instant.parse(finishedAt);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException impossible) {
            throw new IllegalStateException("a manifest always serializes", impossible);
        }
    }

    static Manifest fromJson(byte[] json, String where) {
        try {
            Manifest manifest = JSON.readValue(json, Manifest.class);
            if (manifest.id() == null
                    || manifest.rdb() == null
                    || manifest.stored() == null
                    || manifest.startedAt() == null) {
                throw new BackupException(BackupFailure.MISMATCH, where + " is not a complete manifest");
            }
            return manifest;
        } catch (IOException unreadable) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    where + " is not a readable manifest: "
                            + unreadable.getMessage().lines().findFirst().orElse(""),
                    unreadable);
        }
    }
}
