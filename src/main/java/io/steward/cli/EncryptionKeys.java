package io.steward.cli;

import io.steward.backup.BackupKey;
import io.steward.backup.BackupKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code storage.encryption:} the keys, read and checked. A key is base64 of exactly 32 bytes ({@code openssl rand
 * -base64 32}), in a file or an environment variable. A key file that every user of the host may read is refused:
 * the key is all that protects the backups. Messages name the key's config path and file, never the key.
 */
final class EncryptionKeys {

    private static final String AT = "storage.encryption";

    private EncryptionKeys() {}

    /** The configured keys; {@link BackupKeys#none()} without {@code storage.encryption}. */
    static BackupKeys of(StewardConfig.Encryption encryption, ConfigFile file, Map<String, String> env) {
        if (encryption == null) {
            return BackupKeys.none();
        }
        BackupKey current = key(encryption.keyFile(), encryption.keyEnv(), AT, file, env);
        List<BackupKey> old = new ArrayList<>();
        for (int i = 0; i < encryption.oldKeys().size(); i++) {
            StewardConfig.KeySource source = encryption.oldKeys().get(i);
            String at = BackupKeys.OLD_KEYS_SETTING + "[" + i + "]";
            if (source == null) {
                throw new ConfigException(file.at(at) + ": empty; give key-file or key-env");
            }
            old.add(key(source.keyFile(), source.keyEnv(), at, file, env));
        }
        return BackupKeys.of(current, old);
    }

    private static BackupKey key(String keyFile, String keyEnv, String at, ConfigFile file, Map<String, String> env) {
        if ((keyFile == null) == (keyEnv == null)) {
            throw new ConfigException(file.at(at) + ": give one of key-file or key-env (a base64 32-byte key; make"
                    + " one with: openssl rand -base64 32)");
        }
        if (keyEnv != null) {
            String where = file.at(at + ".key-env");
            String value = env.get(keyEnv);
            if (value == null || value.isBlank()) {
                throw new ConfigException(where + ": environment variable " + keyEnv + " is not set");
            }
            return decode(value, where + " (environment variable " + keyEnv + ")", at + ".key-env " + keyEnv);
        }
        String where = file.at(at + ".key-file");
        Path path = Path.of(keyFile);
        String text;
        try {
            refuseIfEveryoneMayRead(path, where);
            text = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException unreadable) {
            throw new ConfigException(where + ": cannot read " + path + " ("
                    + (unreadable.getMessage() == null
                            ? unreadable.getClass().getSimpleName()
                            : unreadable.getMessage())
                    + ")");
        }
        return decode(text, where + " (" + path + ")", at + ".key-file " + path);
    }

    private static void refuseIfEveryoneMayRead(Path path, String where) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (posix == null) {
            return; // no POSIX permissions to check on this file system
        }
        // The file itself, not a link to it: a Kubernetes secret's files are links into the volume.
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new ConfigException(where + ": " + path + " may be read by every user of this host; the key must"
                    + " be private: chmod 600 " + path + " (or 640, owned by a group of the agent's user)");
        }
    }

    /** @param origin where the key came from, for {@link BackupKey#toString()} */
    private static BackupKey decode(String text, String where, String origin) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new ConfigException(where + ": not a base64-encoded key; make one with: openssl rand -base64 32");
        }
        if (material.length != BackupKey.LENGTH) {
            throw new ConfigException(where + ": the key is " + material.length + " bytes, not " + BackupKey.LENGTH
                    + "; make one with: openssl rand -base64 32");
        }
        return new BackupKey(material, origin);
    }
}
