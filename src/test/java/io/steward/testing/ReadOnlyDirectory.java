package io.steward.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A directory in which this process cannot create files until {@link #close()}: its mode becomes {@code r-x}, and
 * when that does not stop this process (it runs as root) the directory is made immutable ({@code chattr +i}), which
 * stops root too. Fails loudly when neither works.
 */
public final class ReadOnlyDirectory implements AutoCloseable {

    private final Path dir;
    private final Set<PosixFilePermission> mode;
    private final boolean immutable;

    private ReadOnlyDirectory(Path dir, Set<PosixFilePermission> mode, boolean immutable) {
        this.dir = dir;
        this.mode = mode;
        this.immutable = immutable;
    }

    public static ReadOnlyDirectory of(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean immutable = acceptsNewFiles(dir);
        if (immutable) {
            chattr("+i", dir);
            if (acceptsNewFiles(dir)) {
                chattr("-i", dir);
                Files.setPosixFilePermissions(dir, mode);
                throw new IllegalStateException("cannot make " + dir + " refuse new files (chattr +i had no effect)");
            }
        }
        return new ReadOnlyDirectory(dir, mode, immutable);
    }

    private static boolean acceptsNewFiles(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".probe-", ""));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void chattr(String change, Path dir) throws IOException {
        try {
            Process chattr = new ProcessBuilder(List.of("chattr", change, dir.toString()))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(chattr.getInputStream().readAllBytes());
            if (!chattr.waitFor(30, TimeUnit.SECONDS) || chattr.exitValue() != 0) {
                throw new IllegalStateException("chattr " + change + " " + dir + " failed: " + output);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running chattr", interrupted);
        }
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            chattr("-i", dir);
        }
        Files.setPosixFilePermissions(dir, mode);
    }
}
