package io.steward.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;

/**
 * Tink's streaming AEAD, apart from {@link BackupKeys}: the configuration holds keys whether or not anything is
 * encrypted now, and keeping Tink's classes out of {@code BackupKeys} leaves them unloaded until an object is
 * encrypted or decrypted. The parameters are Tink's AES256_GCM_HKDF_1MB: a 32-byte input key, AES-256-GCM segment
 * keys derived with HKDF-SHA256, 1 MiB ciphertext segments (so at most one segment is in memory per stream).
 */
final class TinkStreams {

    private static final int SEGMENT = 1 << 20;

    private TinkStreams() {}

    static OutputStream encrypt(OutputStream out, byte[] key, byte[] associatedData) throws IOException {
        try {
            return aead(key).newEncryptingStream(out, associatedData);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM is in every JDK", impossible);
        }
    }

    static InputStream decrypt(InputStream in, byte[] key, byte[] associatedData) throws IOException {
        try {
            return aead(key).newDecryptingStream(in, associatedData);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM is in every JDK", impossible);
        }
    }

    private static StreamingAead aead(byte[] key) throws GeneralSecurityException {
        AesGcmHkdfStreamingParameters parameters = AesGcmHkdfStreamingParameters.builder()
                .setKeySizeBytes(BackupKey.LENGTH)
                .setDerivedAesGcmKeySizeBytes(32)
                .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
                .setCiphertextSegmentSizeBytes(SEGMENT)
                .build();
        return AesGcmHkdfStreaming.create(
                AesGcmHkdfStreamingKey.create(parameters, SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get())));
    }
}
