package io.steward.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "dashboards",
        mixinStandardHelpOptions = true,
        description = "The bundled Grafana dashboards and Prometheus alert rules.",
        subcommands = DashboardsCommand.Export.class)
final class DashboardsCommand implements Runnable {

    /** Every file under dashboards/ in the source tree; a test keeps this list complete. */
    static final List<String> BUNDLED = List.of(
            "grafana/overview.json",
            "grafana/memory.json",
            "grafana/persistence.json",
            "grafana/replication.json",
            "grafana/commands-latency.json",
            "grafana/backups.json",
            "grafana/groups.json",
            "prometheus/alerts.yml",
            "prometheus/alerts_test.yml");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Write the dashboards (grafana/) and alert rules (prometheus/) to DIR.",
                "Files that exist with other content are left alone unless --force is given."
            })
    static final class Export implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Where to write; created when missing.")
        Path dir;

        @Option(names = "--force", description = "Overwrite files that exist with other content.")
        boolean force;

        @Override
        public Integer call() {
            Map<Path, byte[]> files = new LinkedHashMap<>();
            for (String name : BUNDLED) {
                files.put(dir.resolve(name), bundled(name));
            }
            List<Path> inTheWay = new ArrayList<>();
            files.forEach((path, content) -> {
                if (Files.exists(path) && !sameContent(path, content)) {
                    inTheWay.add(path);
                }
            });
            if (!inTheWay.isEmpty() && !force) {
                throw new OperationFailedException("not overwriting " + inTheWay.size()
                        + " file(s) with other content, first " + inTheWay.get(0) + " (use --force to overwrite)");
            }
            files.forEach((path, content) -> write(path, content));
            return 0;
        }

        private void write(Path path, byte[] content) {
            try {
                if (Files.exists(path) && sameContent(path, content)) {
                    spec.commandLine().getOut().println("unchanged " + path);
                    return;
                }
                Files.createDirectories(path.getParent());
                Files.write(path, content);
                spec.commandLine().getOut().println("wrote " + path);
            } catch (IOException failure) {
                throw new OperationFailedException("cannot write " + path + ": " + describe(failure));
            }
        }

        private static boolean sameContent(Path path, byte[] content) {
            try {
                return Arrays.equals(Files.readAllBytes(path), content);
            } catch (IOException unreadable) {
                return false;
            }
        }

        private static String describe(IOException failure) {
            String kind = failure.getClass().getSimpleName().replace("Exception", "");
            return failure.getMessage() == null ? kind : kind + " (" + failure.getMessage() + ")";
        }
    }

    static byte[] bundled(String name) {
        try (InputStream in = DashboardsCommand.class.getResourceAsStream("dashboards/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks dashboards/" + name);
            }
            return in.readAllBytes();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
