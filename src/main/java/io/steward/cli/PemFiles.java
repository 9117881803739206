package io.steward.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates (the JDK) and private keys (Bouncy Castle's PEM reader, converted to the JDK's keys): RSA
 * and EC, as PKCS#8 ({@code BEGIN PRIVATE KEY}) or in OpenSSL's own forms ({@code BEGIN RSA PRIVATE KEY}, {@code
 * BEGIN EC PRIVATE KEY}). Each problem is a {@link ConfigException} that starts with {@code where}.
 */
final class PemFiles {

    private PemFiles() {}

    /** Every certificate of the file, in order: a server's own first, then the CAs between it and the root. */
    static List<X509Certificate> certificates(Path file, String where) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                            .map(X509Certificate.class::cast)
                            .toList();
            if (certificates.isEmpty()) {
                throw new ConfigException(where + ": " + file + " holds no PEM certificate");
            }
            return certificates;
        } catch (NoSuchFileException missing) {
            throw new ConfigException(where + ": " + file + " does not exist");
        } catch (IOException unreadable) {
            throw new ConfigException(where + ": cannot read " + file + ": " + unreadable);
        } catch (CertificateException notACertificate) {
            throw new ConfigException(
                    where + ": " + file + " is not a PEM certificate: " + notACertificate.getMessage());
        }
    }

    static PrivateKey privateKey(Path file, String where) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser pem = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof PrivateKeyInfo pkcs8) {
                    return converter.getPrivateKey(pkcs8);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new ConfigException(where + ": " + file
                            + " holds an encrypted key; give it unencrypted (openssl pkey -in KEY -out PLAIN)");
                }
                // anything else (EC PARAMETERS before an EC key, a certificate) is passed over
            }
            throw new ConfigException(where + ": " + file + " holds no PEM private key");
        } catch (NoSuchFileException missing) {
            throw new ConfigException(where + ": " + file + " does not exist");
        } catch (PEMException notAKey) {
            throw new ConfigException(where + ": " + file + " is not a PEM private key: " + notAKey.getMessage());
        } catch (IOException | RuntimeException unreadable) {
            throw new ConfigException(where + ": cannot read " + file + " as a PEM private key: " + unreadable);
        }
    }

    /** Whether the key is the certificate's: a TLS handshake with a mismatched pair fails without saying why. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // no way to tell here: the handshake will
        }
        try {
            byte[] probe = "steward key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature check = Signature.getInstance(algorithm);
            check.initVerify(certificate.getPublicKey());
            check.update(probe);
            return check.verify(signature);
        } catch (GeneralSecurityException mismatch) {
            return false;
        }
    }
}
