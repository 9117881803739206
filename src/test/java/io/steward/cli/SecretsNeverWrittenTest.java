package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Every command and every endpoint, run as a user would at DEBUG log level with each kind of secret configured (a
 * Redis password, an S3 secret key, a web user's password and an encryption key), and every byte they wrote
 * searched for each secret: stdout, stderr (the logs, with any stack trace), HTTP bodies and headers, reports,
 * exported files and every object in the store.
 */
class SecretsNeverWrittenTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String redisPassword = "redis-pw-" + hex(12);
    private final String wrongRedisPassword = "wrong-redis-pw-" + hex(12);
    private final String webPassword = "web-pw-" + hex(12);
    private final String wrongWebPassword = "wrong-web-pw-" + hex(12);
    private final byte[] encryptionKey = bytes(32);

    /** Where each written thing came from, and its bytes. */
    private final Map<String, byte[]> written = new LinkedHashMap<>();

    @TempDir
    Path dir;

    @Test
    void noCommandOrEndpointWritesASecretAtDebugLevel() throws Exception {
        try (RedisServer redis = RedisServer.builder().password(redisPassword).start();
                RedisServer restoreInto =
                        RedisServer.builder().password(redisPassword).start();
                S3Server s3 = S3Server.start()) {
            s3.createBucket("secrets");
            redis.commands().set("greeting", "hello");
            redis.commands().hset("user:1", "name", "ada");
            Path passwordFile = write("redis.pass", redisPassword);
            Path wrongPasswordFile = write("wrong.pass", wrongRedisPassword);
            Path keyFile = write("backup.key", Base64.getEncoder().encodeToString(encryptionKey));
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            Path webConfig = write(
                    "web.yml",
                    "basic_auth_users:\n  prometheus: "
                            + BCrypt.withDefaults().hashToString(10, webPassword.toCharArray()) + "\n");
            Path config = Cli.s3Config(
                    dir,
                    s3.endpoint().toString(),
                    "secrets",
                    "  encryption:\n"
                            + "    key-file: " + keyFile + "\n"
                            + "retention: {keep-last: 10}\n"
                            + "web:\n"
                            + "  config-file: " + webConfig + "\n"
                            + "targets:\n"
                            + "  - name: cache\n"
                            + "    uri: " + redis.uri() + "\n"
                            + "    password-file: " + passwordFile + "\n"
                            + "    poll-interval: 1s\n"
                            + "    backup:\n"
                            + "      schedule: \"*/3 * * * * ?\"\n"
                            + "      drill:\n"
                            + "        schedule: \"*/5 * * * * ?\"\n"
                            + "  - name: wrong\n"
                            + "    uri: " + redis.uri() + "\n"
                            + "    password-file: " + wrongPasswordFile + "\n"
                            + "    poll-interval: 1s\n");

            serveAndAskEveryEndpoint(config, redis);

            Path restoreDir = dir.resolve("restored");
            attempt("doctor", "--config", config.toString());
            attempt("doctor", "--config", config.toString(), "-o", "json");
            attempt("doctor", "--config", config.toString(), "-o", "markdown");
            attempt("doctor", redis.uri(), "--password-file", passwordFile.toString(), "--sample-seconds", "0");
            attempt("doctor", redis.uri(), "--password-file", wrongPasswordFile.toString(), "--sample-seconds", "0");
            ok("backup", "run", "--config", config.toString(), "--target", "cache");
            ok("backup", "run", "--config", config.toString(), "--target", "cache", "--source", "replication");
            attempt("backup", "run", "--config", config.toString(), "--target", "wrong");
            ok("backup", "list", "--config", config.toString());
            String list = ok("backup", "list", "--config", config.toString(), "-o", "json");
            String id = newestId(list);
            ok("backup", "verify", "--config", config.toString(), "--latest", "--target", "cache");
            ok("backup", "restore", "--config", config.toString(), id, "--to-dir", restoreDir.toString());
            ok(
                    "backup",
                    "restore",
                    "--config",
                    config.toString(),
                    id,
                    "--to",
                    restoreInto.uri(),
                    "--password-file",
                    passwordFile.toString(),
                    "--replace");
            ok("backup", "drill", "--config", config.toString(), "--target", "cache", "--json");
            ok("backup", "prune", "--config", config.toString(), "--dry-run");
            ok("dashboards", "export", dir.resolve("dashboards").toString());
            ok("version");
            ok("--help");
            // An S3 secret that the store refuses, and a wrong key: the errors name neither.
            Path wrongS3 = Cli.s3Config(dir, s3.endpoint().toString(), "secrets", "");
            runWith(
                    Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, "x" + S3Server.SECRET_KEY),
                    "backup",
                    "list",
                    "--config",
                    wrongS3.toString());

            readEveryFileUnder(restoreDir);
            readEveryFileUnder(dir.resolve("dashboards"));
            readEveryObject(s3);
        }

        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("the Redis password", utf8(redisPassword));
        secrets.put("the wrong Redis password", utf8(wrongRedisPassword));
        secrets.put("the S3 secret key", utf8(S3Server.SECRET_KEY));
        secrets.put("the web user's password", utf8(webPassword));
        secrets.put("the web password tried", utf8(wrongWebPassword));
        secrets.put("the encryption key (base64)", utf8(Base64.getEncoder().encodeToString(encryptionKey)));
        secrets.put("the encryption key (hex)", utf8(HexFormat.of().formatHex(encryptionKey)));
        secrets.put("the encryption key (bytes)", encryptionKey);
        assertThat(written).hasSizeGreaterThan(25);
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            for (Map.Entry<String, byte[]> output : written.entrySet()) {
                assertThat(indexOf(output.getValue(), secret.getValue()))
                        .as("%s in %s", secret.getKey(), output.getKey())
                        .isEqualTo(-1);
            }
        }
    }

    private void serveAndAskEveryEndpoint(Path config, RedisServer redis) throws Exception {
        Path log = dir.resolve("serve.log");
        try (ServeProcess agent = ServeProcess.started(
                config,
                log,
                Map.of(
                        "STEWARD_LOG_LEVEL",
                        "DEBUG",
                        Cli.KEY_VARIABLE,
                        S3Server.ACCESS_KEY,
                        Cli.SECRET_VARIABLE,
                        S3Server.SECRET_KEY))) {
            String base = agent.base();
            await().atMost(PATIENCE)
                    .until(() -> text(get(base + "/metrics", webPassword))
                            .contains("steward_backup_drill_last_success_timestamp_seconds{target=\"cache\"}"));
            for (String path : List.of(
                    "/",
                    "/metrics",
                    "/scrape?target=" + redis.uri(),
                    "/scrape?target=cache",
                    "/doctor?target=cache",
                    "/doctor?target=wrong",
                    "/discover",
                    "/-/healthy",
                    "/-/ready")) {
                record("GET " + path, get(base + path, webPassword));
                record("GET " + path + " with a wrong password", get(base + path, wrongWebPassword));
                record("GET " + path + " without a password", get(base + path, null));
            }
            assertThat(agent.terminate()).isZero();
            written.put("serve's stdout and stderr", Files.readAllBytes(log));
        }
    }

    /** Runs a command that must succeed; returns its stdout. */
    private String ok(String... args) {
        Cli.Run run = attempt(args);
        assertThat(run.exitCode())
                .as("steward %s exit code; stderr:%n%s", String.join(" ", args), run.err())
                .isZero();
        return run.out();
    }

    /** Runs a command that may fail (a wrong password, findings), for what it writes. */
    private Cli.Run attempt(String... args) {
        return runWith(Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY), args);
    }

    /** The command in a JVM of its own at DEBUG level, as from a shell. */
    private Cli.Run runWith(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("STEWARD_LOG_LEVEL", "DEBUG");
        try {
            Path out = Files.createTempFile(dir, "out-", ".txt");
            Path err = Files.createTempFile(dir, "err-", ".txt");
            Process process = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("steward " + String.join(" ", args) + " did not finish");
            }
            String name = "steward " + String.join(" ", args);
            written.put(name + ": stdout", Files.readAllBytes(out));
            written.put(name + ": stderr", Files.readAllBytes(err));
            return new Cli.Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    private static HttpResponse<byte[]> get(String url, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (password != null) {
            request.header(
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString(utf8("prometheus:" + password)));
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private void record(String what, HttpResponse<byte[]> response) {
        written.put(what + ": headers", utf8(response.headers().map().toString()));
        written.put(what + ": body", response.body());
    }

    private void readEveryFileUnder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new AssertionError("nothing was written to " + root);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                written.put(file.toString(), Files.readAllBytes(file));
            }
        }
    }

    private void readEveryObject(S3Server s3) throws IOException {
        for (S3Object object : s3.client()
                .listObjectsV2Paginator(
                        ListObjectsV2Request.builder().bucket("secrets").build())
                .contents()) {
            ResponseBytes<GetObjectResponse> bytes = s3.client()
                    .getObjectAsBytes(GetObjectRequest.builder()
                            .bucket("secrets")
                            .key(object.key())
                            .build());
            try (InputStream in = bytes.asInputStream()) {
                ByteArrayOutputStream copy = new ByteArrayOutputStream();
                in.transferTo(copy);
                written.put("s3://secrets/" + object.key(), copy.toByteArray());
            }
        }
    }

    private static String newestId(String listJson) {
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{8}").matcher(listJson);
        String newest = null;
        while (id.find()) {
            if (newest == null || id.group().compareTo(newest) > 0) {
                newest = id.group();
            }
        }
        if (newest == null) {
            throw new AssertionError("no backup listed:\n" + listJson);
        }
        return newest;
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String hex(int length) {
        return HexFormat.of().formatHex(bytes(length / 2));
    }
}
