package io.steward.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    public static TestCertificates create(Path dir) {
        Path ext = dir.resolve("san.ext");
        try {
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException failure) {
            throw new IllegalStateException(failure);
        }
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=steward-test-ca");
        for (String name : List.of("server", "client")) {
            sign(dir, name, "rsa:2048");
        }
        return new TestCertificates(
                dir.resolve("ca.crt"),
                dir.resolve("server.crt"),
                dir.resolve("server.key"),
                dir.resolve("client.crt"),
                dir.resolve("client.key"));
    }

    /** Another certificate for 127.0.0.1 signed by this CA, with subject {@code CN=name}: {@code [cert, key]}. */
    public List<Path> signed(String name, String keyAlgorithm) {
        Path dir = caCert.getParent();
        sign(dir, name, keyAlgorithm);
        return List.of(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    /** A key pair {@code name.key} and its certificate {@code name.crt} for 127.0.0.1, signed by the CA in dir. */
    private static void sign(Path dir, String name, String keyAlgorithm) {
        openssl(
                dir,
                "req",
                "-newkey",
                keyAlgorithm,
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + name);
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                name + ".crt",
                "-days",
                "2",
                "-extfile",
                "san.ext");
    }

    /** Runs {@code openssl} with these arguments in {@code dir}, failing on a non-zero exit. */
    public static void openssl(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (IOException failure) {
            throw new IllegalStateException(
                    "openssl is not installed: install Debian's openssl package (bash .ci/run does it)", failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
