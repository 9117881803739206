package io.steward.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Rewrites a stored backup as a newer Redis would have written it: the RDB's header says another version, its CRC-64
 * and the manifest follow, so the backup verifies and only a server that cannot read that version refuses it.
 */
final class ForgedBackups {

    /** CRC-64/REDIS: the Jones polynomial, reflected, no initial or final xor. */
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;

    private ForgedBackups() {}

    /** The backup {@code id} of {@code target} in the file store, stored uncompressed with RDB version {@code version}. */
    static void withRdbVersion(Path store, String target, String id, int version) throws IOException {
        Path backup = store.resolve(target).resolve(id);
        byte[] rdb;
        try (InputStream in = new ZstdInputStream(Files.newInputStream(backup.resolve("dump.rdb.zst")))) {
            rdb = in.readAllBytes();
        }
        byte[] header = String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, rdb, 0, header.length);
        long crc = crc64(rdb, rdb.length - 8);
        for (int i = 0; i < 8; i++) {
            rdb[rdb.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
        Files.delete(backup.resolve("dump.rdb.zst"));
        Files.write(backup.resolve("dump.rdb"), rdb);

        ObjectMapper json = new ObjectMapper();
        Path manifestFile = backup.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) json.readTree(manifestFile.toFile());
        ObjectNode rdbNode = (ObjectNode) manifest.get("rdb");
        rdbNode.put("version", version);
        rdbNode.put("sha256", sha256(rdb));
        rdbNode.put("crc64", String.format("%016x", crc));
        ObjectNode stored = (ObjectNode) manifest.get("stored");
        stored.put("object", target + "/" + id + "/dump.rdb");
        stored.put("compression", "none");
        stored.put("size", rdb.length);
        stored.put("sha256", sha256(rdb));
        Files.write(manifestFile, json.writeValueAsBytes(manifest));
    }

    private static long crc64(byte[] bytes, int length) {
        long crc = 0;
        for (int i = 0; i < length; i++) {
            crc ^= bytes[i] & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
        }
        return crc;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
