package io.steward.backup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One 32-byte key that encrypts backups, or may decrypt them. Its {@link #id()} names it in manifests and messages
 * without revealing it; the key's bytes never leave this class but into the cipher, and {@link #toString()} shows
 * only the id and where the key came from.
 */
public final class BackupKey {

    public static final int LENGTH = 32;

    /** What the key id is an HMAC of: a fixed label, so the id reveals nothing about the key but its identity. */
    private static final byte[] ID_LABEL = "redis-steward backup key id v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] material;
    private final String id;
    private final String origin;

    /**
     * @param material exactly {@link #LENGTH} bytes, copied
     * @param origin where the key was configured, for messages ({@code storage.encryption.key-file /etc/key})
     */
    public BackupKey(byte[] material, String origin) {
        if (material.length != LENGTH) {
            throw new IllegalArgumentException("a backup key is " + LENGTH + " bytes, not " + material.length);
        }
        this.material = material.clone();
        this.origin = origin;
        this.id = idOf(this.material);
    }

    /** 16 hex digits: the first 8 bytes of HMAC-SHA256(key, label). */
    public String id() {
        return id;
    }

    public String origin() {
        return origin;
    }

    /** The key's bytes, for the cipher only. */
    byte[] material() {
        return material.clone();
    }

    private static String idOf(byte[] material) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(material, "HmacSHA256"));
            return HexFormat.of().formatHex(Arrays.copyOf(mac.doFinal(ID_LABEL), 8));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JDK has HmacSHA256", impossible);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackupKey key && key.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "BackupKey[id=" + id + ", from " + origin + "]";
    }
}
