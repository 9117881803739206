package io.steward.backup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks an RDB file as its bytes stream past, in one pass and in constant memory: the magic and version in the
 * first nine bytes, the CRC-64 over everything (which comes to 0 with a right trailer), the EOF opcode before the
 * trailer, and the SHA-256 and size for the manifest.
 *
 * <p>Files saved with {@code rdbchecksum no} carry an all-zero trailer; they pass with the CRC recorded as
 * {@code disabled}, as Redis itself loads them.
 */
final class RdbChecker {

    /** The newest RDB version known (Redis 8.8 writes 14; Valkey 9 writes its own 80). */
    static final int NEWEST_REDIS_VERSION = 14;

    static final int NEWEST_VALKEY_VERSION = 80;
    private static final int EOF_OPCODE = 0xFF;

    private final String source;
    private final MessageDigest sha256 = sha256();
    private final byte[] header = new byte[9];
    private final byte[] tail = new byte[9];
    private long crc;
    private long size;

    /** @param source names the file in error messages */
    RdbChecker(String source) {
        this.source = source;
    }

    void update(byte[] bytes, int offset, int length) {
        if (length <= 0) {
            return;
        }
        if (size < header.length) {
            int n = (int) Math.min(length, header.length - size);
            System.arraycopy(bytes, offset, header, (int) size, n);
            if (size + n == header.length) {
                version(); // fail early on a file that is not an RDB at all
            }
        }
        crc = Crc64.update(crc, bytes, offset, length);
        sha256.update(bytes, offset, length);
        keepTail(bytes, offset, length);
        size += length;
    }

    long size() {
        return size;
    }

    /** Checks the end of the file and returns what the manifest records; throws when anything is wrong. */
    RdbDigest finish() {
        if (size < header.length + tail.length) {
            throw corrupt("it is " + size + " bytes long, too short for an RDB file (truncated?)");
        }
        int version = version();
        String crcText;
        if (version < 5) {
            // RDB before version 5 has no trailer: the file ends with the EOF opcode.
            if ((tail[tail.length - 1] & 0xff) != EOF_OPCODE) {
                throw corrupt("it does not end with the EOF marker (truncated?)");
            }
            crcText = "none";
        } else {
            if ((tail[0] & 0xff) != EOF_OPCODE) {
                throw corrupt("the EOF marker is missing before the checksum (truncated or cut short?)");
            }
            long trailer = 0;
            for (int i = 8; i >= 1; i--) {
                trailer = (trailer << 8) | (tail[i] & 0xff);
            }
            if (trailer == 0) {
                crcText = "disabled";
            } else if (crc != 0) {
                throw corrupt("its CRC-64 does not match the checksum it carries (the file is damaged)");
            } else {
                crcText = String.format("%016x", trailer);
            }
        }
        return new RdbDigest(version, size, HexFormat.of().formatHex(sha256.digest()), crcText);
    }

    private int version() {
        String magic = new String(header, StandardCharsets.US_ASCII);
        String digits;
        int newest;
        if (magic.startsWith("REDIS")) {
            digits = magic.substring(5);
            newest = NEWEST_REDIS_VERSION;
        } else if (magic.startsWith("VALKEY")) {
            digits = magic.substring(6);
            newest = NEWEST_VALKEY_VERSION;
        } else {
            throw corrupt("it does not start with the RDB signature REDIS or VALKEY");
        }
        // Digits only: Integer.parseInt would also take a sign ("REDIS+010"), which no server writes.
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw corrupt("its header has no RDB version number");
        }
        int version = Integer.parseInt(digits);
        if (version < 1 || version > newest) {
            throw corrupt("it has RDB version " + version + ", which this agent does not know (newest known: " + newest
                    + "); upgrade the agent");
        }
        return version;
    }

    /** Keeps the last nine bytes seen: the EOF opcode and the eight-byte trailer. */
    private void keepTail(byte[] bytes, int offset, int length) {
        if (length >= tail.length) {
            System.arraycopy(bytes, offset + length - tail.length, tail, 0, tail.length);
        } else {
            System.arraycopy(tail, length, tail, 0, tail.length - length);
            System.arraycopy(bytes, offset, tail, tail.length - length, length);
        }
    }

    private BackupException corrupt(String what) {
        return new BackupException(BackupFailure.RDB_CORRUPT, source + " is not a valid RDB file: " + what);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
