package io.steward.cli;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the {@code Authorization: Basic} header against the web config's users and their bcrypt hashes.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds at cost 10): a scrape every few seconds would spend that each
 * time, so a password that was right is remembered, as a SHA-256 digest of the hash and the password, and compared
 * in constant time. A user name that is not configured is checked against a dummy hash of the same cost, so that a
 * wrong name takes as long as a wrong password and does not tell which names exist.
 */
final class BasicAuth {

    /** What a request's credentials come to. */
    enum Verdict {
        ALLOWED,
        MISSING,
        WRONG
    }

    /** The user name a request gave (null when it gave none), and the verdict. */
    record Outcome(Verdict verdict, String user) {}

    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final Map<Integer, String> dummies = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** Makes the dummy hash of each cost the config uses, so that even the first unknown name takes as long. */
    void prepare(WebConfig web) {
        web.users().values().forEach(hash -> dummy(cost(hash)));
    }

    /**
     * @param web the web config in use
     * @param authorization the request's {@code Authorization} header, or null
     */
    Outcome check(WebConfig web, String authorization) {
        if (!web.hasUsers()) {
            return new Outcome(Verdict.ALLOWED, null);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new Outcome(Verdict.MISSING, null);
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return new Outcome(Verdict.WRONG, null);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Outcome(Verdict.WRONG, null);
        }
        String user = decoded.substring(0, colon);
        byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        return new Outcome(verify(web, user, password) ? Verdict.ALLOWED : Verdict.WRONG, user);
    }

    private boolean verify(WebConfig web, String user, byte[] password) {
        String hash = web.users().get(user);
        if (hash == null) {
            String any = web.users().values().iterator().next();
            bcrypt(password, dummy(cost(any)));
            return false;
        }
        byte[] digest = digest(hash, password);
        byte[] remembered = verified.get(user);
        if (remembered != null && MessageDigest.isEqual(remembered, digest)) {
            return true;
        }
        boolean right = bcrypt(password, hash);
        if (right) {
            verified.put(user, digest);
        }
        return right;
    }

    private static boolean bcrypt(byte[] password, String hash) {
        try {
            return BCrypt.verifyer().verify(password, hash.getBytes(StandardCharsets.UTF_8)).verified;
        } catch (IllegalArgumentException tooLong) { // more than bcrypt's 72 bytes
            return false;
        }
    }

    private String dummy(int cost) {
        return dummies.computeIfAbsent(cost, c -> {
            byte[] password = new byte[16];
            random.nextBytes(password);
            return BCrypt.withDefaults()
                    .hashToString(c, HexFormat.of().formatHex(password).toCharArray());
        });
    }

    /** The cost of a checked hash: {@code $2y$10$...}. */
    private static int cost(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }

    private static byte[] digest(String hash, byte[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(hash.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(password);
            return sha.digest();
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
