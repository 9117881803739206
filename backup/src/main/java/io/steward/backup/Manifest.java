package io.steward.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code manifest.json}: what one backup holds and how to check it. It is written last, after the data objects,
 * so a backup without a manifest does not exist.
 *
 * <p>A backup is one RDB ({@code source}, {@code rdb}, {@code stored}; schema 1), or a Cluster's backup set: one RDB
 * per shard in {@code shards}, which the backup is only as a whole (schema 2; {@code source}, {@code rdb} and {@code
 * stored} are then absent). {@link #parts()} gives either as a list of RDBs.
 *
 * @param keys keys per database ({@code db0} -> count) from {@code INFO keyspace} when the save finished; of a set,
 *     the shards' summed
 * @param shards of a backup set, every shard; absent for one RDB
 * @param keysCounted true when {@code keys} were counted in the RDB as it streamed (exact: what the backup holds);
 *     absent when they are {@code INFO keyspace}'s after the save, which a server written to meanwhile no longer
 *     matches
 * @param scheduled of a scheduled backup, the fire it was taken for and the agent that took it; absent for one taken
 *     by {@code backup run}
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
        String agentVersion,
        List<Shard> shards,
        Scheduled scheduled,
        Boolean keysCounted) {

    /** The schema of a backup of one RDB. */
    public static final int SCHEMA_VERSION = 1;
    /** The schema of a Cluster's backup set. */
    public static final int SET_SCHEMA_VERSION = 2;

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

    /**
     * The scheduled fire a backup was taken for.
     *
     * @param fireTime when the schedule was due (ISO-8601): one backup per fire, whichever agent takes it
     * @param agent the id of the agent that took it, among those sharing the schedule
     * @param recovered whether it was taken over from an agent that stopped while taking it
     */
    public record Scheduled(String fireTime, String agent, boolean recovered) {}

    /** The RDB as Redis wrote it; {@code file} is where it was read from, null for one taken over replication. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rdb(String file, int version, long size, String sha256, String crc64) {}

    /**
     * The object in the store: its key relative to the store, compression, size and SHA-256 (of the bytes in the
     * store), and how it is encrypted; {@code encryption} is absent for an object stored unencrypted.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stored(String object, String compression, long size, String sha256, Encryption encryption) {

        public Stored(String object, String compression, long size, String sha256) {
            this(object, compression, size, sha256, null);
        }

        @JsonIgnore
        public boolean encrypted() {
            return encryption != null;
        }
    }

    /**
     * How a stored object is encrypted: the scheme ({@link BackupKeys#SCHEME}) and the id of the key it was encrypted
     * under, derived from the key without revealing it. Never the key itself.
     */
    public record Encryption(String scheme, String keyId) {}

    /**
     * One shard of a backup set.
     *
     * @param shard its number in the set, in the order of its slots ({@code shard-0} holds slot 0)
     * @param slots the slot ranges its primary served, as {@code 0-5460} (or one slot, {@code 5461})
     * @param openSlots slots it had migrating or importing when the set was taken anyway, as CLUSTER NODES writes
     *     them ({@code [5000->-<node id>]}); absent when none
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Shard(
            int shard,
            List<String> slots,
            Source source,
            Rdb rdb,
            Stored stored,
            Map<String, Long> keys,
            List<String> openSlots) {

        public Shard {
            slots = List.copyOf(slots);
            openSlots = openSlots == null ? List.of() : List.copyOf(openSlots);
        }

        public String name() {
            return "shard-" + shard;
        }
    }

    /**
     * One RDB of a backup, however the backup is made: its name ({@code dump} for a backup of one RDB, {@code
     * shard-N} in a set), where it came from and where it is kept; {@code slots} is empty outside a set.
     */
    public record Part(String name, Source source, Rdb rdb, Stored stored, List<String> slots) {
        public Part {
            slots = List.copyOf(slots);
        }
    }

    /** A backup of one RDB. */
    public Manifest(
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
        this(
                schemaVersion,
                id,
                target,
                startedAt,
                finishedAt,
                source,
                rdb,
                stored,
                keys,
                agentVersion,
                null,
                null,
                null);
    }

    /** The same backup, recorded as taken for a scheduled fire (or as is for none). */
    Manifest scheduledFor(Optional<Scheduled> fire) {
        return fire.map(given -> with(given, keysCounted)).orElse(this);
    }

    /** The same backup, its keys recorded as counted in the RDB (or as INFO's). */
    Manifest withKeysCounted(boolean counted) {
        return with(scheduled, counted ? Boolean.TRUE : null);
    }

    private Manifest with(Scheduled newScheduled, Boolean newKeysCounted) {
        return new Manifest(
                schemaVersion,
                id,
                target,
                startedAt,
                finishedAt,
                source,
                rdb,
                stored,
                keys,
                agentVersion,
                shards,
                newScheduled,
                newKeysCounted);
    }

    /** Whether the keys per database are the RDB's own count. */
    @JsonIgnore
    public boolean keysExact() {
        return Boolean.TRUE.equals(keysCounted);
    }

    /** A Cluster's backup set: one RDB per shard. */
    static Manifest ofSet(
            String id, String target, Instant started, Instant finished, List<Shard> shards, String agentVersion) {
        Map<String, Long> keys = new LinkedHashMap<>();
        shards.forEach(shard -> shard.keys().forEach((db, count) -> keys.merge(db, count, Long::sum)));
        return new Manifest(
                SET_SCHEMA_VERSION,
                id,
                target,
                started.toString(),
                finished.toString(),
                null,
                null,
                null,
                keys,
                agentVersion,
                List.copyOf(shards),
                null,
                null);
    }

    /** Whether this is a Cluster's backup set rather than one RDB. */
    @JsonIgnore
    public boolean isSet() {
        return shards != null && !shards.isEmpty();
    }

    /** Every RDB of the backup: the one, or each shard's in order. */
    public List<Part> parts() {
        if (!isSet()) {
            return List.of(new Part("dump", source, rdb, stored, List.of()));
        }
        return shards.stream()
                .map(shard -> new Part(shard.name(), shard.source(), shard.rdb(), shard.stored(), shard.slots()))
                .toList();
    }

    /** The size of the RDB, or of every shard's together. */
    public long rdbSize() {
        return parts().stream().mapToLong(part -> part.rdb().size()).sum();
    }

    /** The size of what is stored, summed over the shards of a set. */
    public long storedSize() {
        return parts().stream().mapToLong(part -> part.stored().size()).sum();
    }

    /** The RDB version, the newest of a set's shards: what a server loading all of it must read. */
    public int rdbVersion() {
        return parts().stream().mapToInt(part -> part.rdb().version()).max().orElse(0);
    }

    /** The Redis version of the server the backup (its first shard, of a set) came from. */
    public String redisVersion() {
        return parts().get(0).source().redisVersion();
    }

    /** The backup's directory, relative to the store: {@code <target>/<id>}. */
    public String directory() {
        String object = parts().get(0).stored().object();
        return object.substring(0, object.lastIndexOf('/'));
    }

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

    /**
     * Whether every part has what a listing, the metrics and a restore read of it, and the times parse: a manifest
     * that does not is refused when read, rather than failing whatever asks it later.
     */
    private static boolean complete(Manifest manifest) {
        if (!instant(manifest.startedAt()) || !instant(manifest.finishedAt())) {
            return false;
        }
        if (!manifest.isSet()) {
            return manifest.source() != null
                    && manifest.rdb() != null
                    && manifest.stored() != null
                    && inDirectory(manifest.stored());
        }
        return manifest.shards().stream()
                .allMatch(shard -> shard != null
                        && shard.source() != null
                        && shard.rdb() != null
                        && shard.stored() != null
                        && inDirectory(shard.stored())
                        && !shard.slots().isEmpty());
    }

    private static boolean instant(String text) {
        try {
            return text != null && Instant.parse(text) != null;
        } catch (java.time.format.DateTimeParseException notATime) {
            return false;
        }
    }

    /** A stored object is {@code <target>/<id>/<name>}: its directory is the backup's. */
    private static boolean inDirectory(Stored stored) {
        return stored.object() != null && stored.object().indexOf('/') >= 0;
    }

    static Manifest fromJson(byte[] json, String where) {
        try {
            Manifest manifest = JSON.readValue(json, Manifest.class);
            if (manifest.id() == null || manifest.startedAt() == null || !complete(manifest)) {
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
