package io.steward.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A runnable jar of this build for tests of {@code bin/steward}: in {@code mvn verify} the tests run before the
 * shaded jar is packaged. It holds target/classes and names the runtime dependencies (target/runtime.classpath,
 * written by the build) in its Class-Path, so it runs as the shaded jar does, test classes and test dependencies
 * left out.
 */
final class LauncherJars {

    private LauncherJars() {}

    static Path write(Path jar) throws IOException {
        Path classes = classes();
        List<Path> dependencies = Stream.of(Files.readString(Path.of("target", "runtime.classpath"))
                        .strip()
                        .split(":"))
                .map(Path::of)
                .toList();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes()
                .put(
                        Attributes.Name.CLASS_PATH,
                        dependencies.stream()
                                .map(path -> path.toUri().toString())
                                .collect(Collectors.joining(" ")));
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> paths = Files.walk(classes)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString()));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path classes() {
        try {
            return Path.of(Main.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException failure) {
            throw new UncheckedIOException(new IOException(failure));
        }
    }
}
