package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ValidateCommandTest {

    private static final Path BROKEN =
            Path.of("..", "proxy-core", "src", "test", "resources", "config", "broken");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new PortcullisCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    static Stream<Path> brokenConfigs() throws IOException {
        try (Stream<Path> files = Files.list(BROKEN)) {
            return files
                    .filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("brokenConfigs")
    void brokenConfig_validate_printsEveryExpectedProblemAndExits2(Path file) throws IOException {
        List<String> expected =
                Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.startsWith("# expect: "))
                        .map(line -> "  " + line.substring("# expect: ".length()))
                        .toList();

        int status = run("validate", file.toString());

        assertThat(status).isEqualTo(2);
        assertThat(expected).isNotEmpty();
        List<String> printed = err.toString().lines().skip(1).toList();
        assertThat(printed).containsExactlyElementsOf(expected);
        assertThat(err.toString()).startsWith(file + " is not valid (");
    }

    @Test
    void referenceConfig_validate_printsSummaryAndExits0() {
        int status = run("validate", "../config/portcullis.yaml");

        assertThat(status).isZero();
        assertThat(out.toString())
                .startsWith("../config/portcullis.yaml is valid: ")
                .contains("listener");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void missingFile_validate_namesTheFileAndExits2() {
        int status = run("validate", "does-not-exist.yaml");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("does-not-exist.yaml");
    }

    @Test
    void everyCommand_help_describesItself() {
        for (String command : List.of("run", "validate", "demo", "version")) {
            out.getBuffer().setLength(0);

            int status = run(command, "--help");

            assertThat(status).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: portcullis " + command);
        }
    }

    @Test
    void version_printsAVersionLine() {
        int status = run("version");

        assertThat(status).isZero();
        assertThat(out.toString()).startsWith("portcullis ");
    }
}
