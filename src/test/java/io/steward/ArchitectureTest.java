package io.steward;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction cli -> {exporters, backup, diagnostics} -> collector, Redis only in the collector,
 * Prometheus only in exporters and the RDB reader (redis-replicator) only in backup, checked on the compiled classes.
 */
class ArchitectureTest {

    private static final List<String> CAPABILITIES = List.of("collector", "exporters", "diagnostics", "backup", "cli");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.steward");
    }

    private static String pkg(String capability) {
        return "io.steward." + capability + "..";
    }

    /** An empty package would make every rule below pass on nothing. */
    @Test
    void everyCapabilityHoldsCode() {
        for (String capability : CAPABILITIES) {
            assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("io.steward." + capability)))
                    .as("classes in io.steward.%s", capability)
                    .hasSizeGreaterThan(3);
        }
    }

    @Test
    void onlyTheCollectorTalksToRedis() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(pkg("collector"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.lettuce..", "io.netty.."));
    }

    /** The RDB reader of live restores: backups read RDB files, the collector only sends what they hold. */
    @Test
    void onlyBackupsReadRdbFilesKeyByKey() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(pkg("backup"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.moilioncircle.."));
    }

    @Test
    void theCollectorDependsOnNoOtherCapability() {
        check(noClasses()
                .that()
                .resideInAPackage(pkg("collector"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("exporters"), pkg("diagnostics"), pkg("backup"), pkg("cli")));
    }

    @Test
    void diagnosticsAndBackupDependOnlyOnTheCollector() {
        check(noClasses()
                .that()
                .resideInAPackage(pkg("diagnostics"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("exporters"), pkg("backup"), pkg("cli")));
        check(noClasses()
                .that()
                .resideInAPackage(pkg("backup"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("exporters"), pkg("diagnostics"), pkg("cli")));
    }

    @Test
    void exportersKnowNeitherTheDoctorNorBackups() {
        check(noClasses()
                .that()
                .resideInAPackage(pkg("exporters"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("diagnostics"), pkg("backup"), pkg("cli")));
    }

    @Test
    void onlyExportersKnowPrometheus() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(pkg("exporters"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.prometheus..", "io.micrometer.prometheusmetrics.."));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
