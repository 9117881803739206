package io.steward.backup;

/**
 * What a checked RDB file is: its RDB version, size, SHA-256 (hex) and CRC-64 (hex as stored in the file's
 * trailer, {@code disabled} for {@code rdbchecksum no}, {@code none} before RDB 5).
 */
public record RdbDigest(int rdbVersion, long size, String sha256, String crc64) {}
