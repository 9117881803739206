package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The keys of encrypted backups: at most one current key, which encrypts new backups, and old keys that may still
 * decrypt the backups taken under them (key rotation). With no keys at all backups are stored unencrypted, and only
 * unencrypted backups can be read.
 *
 * <p>Each stored object is encrypted with Tink's streaming AEAD (AES-256-GCM in 1 MiB segments, the segment keys
 * derived with HKDF-SHA256 from the configured key and a random salt per object), its associated data the object's
 * key in the store: an object copied into another backup, or renamed, fails to decrypt. Tink's classes load only
 * when something is encrypted or decrypted ({@link TinkStreams}).
 */
public final class BackupKeys {

    /** The scheme recorded in manifests: Tink's AES256_GCM_HKDF_1MB streaming AEAD. */
    public static final String SCHEME = "tink-aes256-gcm-hkdf-1mb";

    /** The configuration key that lists the keys which may still decrypt, for messages. */
    public static final String OLD_KEYS_SETTING = "storage.encryption.old-keys";

    private static final BackupKeys NONE = new BackupKeys(Optional.empty(), List.of());

    private final Optional<BackupKey> current;
    private final List<BackupKey> old;

    private BackupKeys(Optional<BackupKey> current, List<BackupKey> old) {
        this.current = current;
        this.old = List.copyOf(old);
    }

    /** No encryption: backups are stored as they are, and encrypted ones cannot be read. */
    public static BackupKeys none() {
        return NONE;
    }

    /** {@code current} encrypts; it and each of {@code old} decrypt. */
    public static BackupKeys of(BackupKey current, List<BackupKey> old) {
        return new BackupKeys(Optional.of(current), old);
    }

    public boolean encrypts() {
        return current.isPresent();
    }

    public Optional<BackupKey> current() {
        return current;
    }

    /** What a manifest records of an object encrypted now; empty when backups are not encrypted. */
    Optional<Manifest.Encryption> scheme() {
        return current.map(key -> new Manifest.Encryption(SCHEME, key.id()));
    }

    /**
     * Encrypts what is written into {@code out} under the current key, bound to {@code objectKey}; closing the result
     * writes the last segment and leaves {@code out} open. Without a current key, {@code out} itself (unclosable).
     */
    OutputStream encrypt(OutputStream out, String objectKey) throws IOException {
        OutputStream shielded = new OpenOutputStream(out);
        if (current.isEmpty()) {
            return shielded;
        }
        return TinkStreams.encrypt(shielded, current.get().material(), associatedData(objectKey));
    }

    /**
     * Checks that every encrypted object of the backup can be decrypted with these keys, before anything is read or
     * written.
     *
     * @throws BackupException {@link BackupFailure#KEY_MISSING} naming the key id to configure
     */
    public void checkCanDecrypt(Manifest manifest) {
        for (Manifest.Part part : manifest.parts()) {
            keyFor(manifest, part.stored());
        }
    }

    /** Decrypts one stored object as it streams; {@code in} itself for an unencrypted object. */
    InputStream decrypt(InputStream in, Manifest manifest, Manifest.Stored stored) throws IOException {
        if (!stored.encrypted()) {
            return in;
        }
        BackupKey key = keyFor(manifest, stored);
        return TinkStreams.decrypt(in, key.material(), associatedData(stored.object()));
    }

    private BackupKey keyFor(Manifest manifest, Manifest.Stored stored) {
        Manifest.Encryption encryption = stored.encryption();
        if (encryption == null) {
            return null;
        }
        if (!SCHEME.equals(encryption.scheme())) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " is encrypted with scheme '" + encryption.scheme()
                            + "', which this agent does not know (it knows " + SCHEME + ")");
        }
        Optional<BackupKey> found = Stream.concat(current.stream(), old.stream())
                .filter(key -> key.id().equals(encryption.keyId()))
                .findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        List<String> known = new ArrayList<>();
        current.ifPresent(key -> known.add(key.id() + " (current)"));
        old.forEach(key -> known.add(key.id()));
        throw new BackupException(
                BackupFailure.KEY_MISSING,
                "backup " + manifest.id() + " of " + manifest.target() + " is encrypted under key id "
                        + encryption.keyId() + ", and "
                        + (known.isEmpty()
                                ? "no encryption key is configured: set storage.encryption (key-file or key-env)"
                                : "no configured key has that id (configured: " + String.join(", ", known)
                                        + "): add the key it was taken with to " + OLD_KEYS_SETTING)
                        + "; nothing was read or written");
    }

    /** Binds an object to its place in the store: the target, the backup id and the part are all in its key. */
    private static byte[] associatedData(String objectKey) {
        return ("redis-steward backup object " + objectKey).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "BackupKeys[current=" + current.map(BackupKey::id).orElse("none") + ", old="
                + old.stream().map(BackupKey::id).toList() + "]";
    }
}
