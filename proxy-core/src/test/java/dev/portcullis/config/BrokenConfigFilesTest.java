package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.validate.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broken configurations in {@code src/test/resources/config/broken}: each file lists the
 * problems it must produce, one {@code # expect: <problem>} line per problem, in the order they are
 * reported.
 */
class BrokenConfigFilesTest {

    private static final Path BROKEN = Path.of("src", "test", "resources", "config", "broken");
    private static final String EXPECT = "# expect: ";

    static Stream<Path> brokenFiles() throws IOException {
        try (Stream<Path> files = Files.list(BROKEN)) {
            return files
                    .filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void load_brokenFile_reportsExactlyTheExpectedProblems(Path file) throws IOException {
        List<String> expected =
                Files.readAllLines(file).stream()
                        .filter(line -> line.startsWith(EXPECT))
                        .map(line -> line.substring(EXPECT.length()))
                        .toList();

        ConfigResult result = ConfigLoader.load(file, Map.of());

        assertThat(expected).as("expect lines in %s", file).isNotEmpty();
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).problems())
                .extracting(ConfigProblem::toString)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void brokenFiles_coverTheCommonMistakes() throws IOException {
        assertThat(brokenFiles().map(file -> file.getFileName().toString()))
                .contains(
                        "unknown-key.yaml",
                        "bad-backend-url.yaml",
                        "unknown-upstream.yaml",
                        "duplicate-listener-port.yaml",
                        "bad-duration.yaml",
                        "tls-listener-conflicts.yaml",
                        "redirect-without-tls.yaml",
                        "admin-outside-loopback.yaml",
                        "health-check-timing.yaml");
    }
}
