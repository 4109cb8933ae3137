package dev.portcullis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN.md's dependency arrows as a check: {@code server → filter → (security, abuse) → net} and
 * {@code server → route → balance → upstream}. Each package lists the packages it must never reach;
 * the leaves (config values, net, metrics) reach none of the request path.
 */
class ArchitectureTest {

    private static final String BASE = "dev.portcullis.";

    private static final JavaClasses CORE =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.portcullis");

    /** Package → packages it must not depend on. */
    private static final Map<String, Set<String>> FORBIDDEN =
            Map.of(
                    "net",
                    Set.of(
                            "config",
                            "server",
                            "filter",
                            "route",
                            "balance",
                            "upstream",
                            "security",
                            "abuse",
                            "health",
                            "cluster"),
                    "metrics",
                    Set.of(
                            "config",
                            "server",
                            "filter",
                            "route",
                            "balance",
                            "upstream",
                            "security",
                            "abuse",
                            "health",
                            "cluster"),
                    "config",
                    Set.of(
                            "server",
                            "filter",
                            "route",
                            "balance",
                            "upstream",
                            "security",
                            "abuse",
                            "health",
                            "cluster"),
                    "upstream",
                    Set.of("server", "filter", "route", "balance", "security", "abuse", "health"),
                    "health",
                    Set.of("server", "filter", "route", "balance", "security", "abuse", "cluster"),
                    "balance",
                    Set.of("server", "filter", "route", "security", "abuse"),
                    "route",
                    Set.of("server", "filter", "security", "abuse"),
                    "filter",
                    Set.of("server", "route", "balance", "upstream"),
                    "security",
                    Set.of("server", "route", "balance", "upstream"),
                    "abuse",
                    Set.of("server", "route", "balance", "upstream"));

    static Stream<Arguments> rules() {
        return FORBIDDEN.entrySet().stream()
                .flatMap(
                        entry ->
                                entry.getValue().stream()
                                        .map(target -> Arguments.of(entry.getKey(), target)));
    }

    @ParameterizedTest(name = "{0} must not depend on {1}")
    @MethodSource("rules")
    void package_mustNotDependOn_forbiddenPackage(String from, String to) {
        ArchRule rule =
                noClasses()
                        .that()
                        .resideInAPackage(BASE + from + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage(BASE + to + "..")
                        .allowEmptyShould(true);

        rule.check(CORE);
    }
}
