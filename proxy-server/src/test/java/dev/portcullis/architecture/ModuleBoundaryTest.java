package dev.portcullis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Nothing in proxy-core depends on proxy-server: the engine knows no CLI, admin or demo. */
class ModuleBoundaryTest {

    @Test
    void core_mustNotDependOn_serverModule() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.portcullis");

        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.portcullis.config..",
                        "dev.portcullis.net..",
                        "dev.portcullis.server..",
                        "dev.portcullis.filter..",
                        "dev.portcullis.route..",
                        "dev.portcullis.balance..",
                        "dev.portcullis.upstream..",
                        "dev.portcullis.metrics..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.portcullis.cli..",
                        "dev.portcullis.admin..",
                        "dev.portcullis.demo..",
                        "dev.portcullis.logging..",
                        "dev.portcullis.reload..")
                .check(classes);
    }
}
