package io.steward.backup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** PostgreSQL advisory locks are named by a 64-bit number: the agent's are the first 8 bytes of a SHA-256 of a name. */
final class AdvisoryKeys {

    private AdvisoryKeys() {}

    static long of(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("redis-steward " + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
