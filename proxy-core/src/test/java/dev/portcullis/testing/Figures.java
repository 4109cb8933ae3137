package dev.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Measured figures of resilience tests (failed requests, detection and drain times), printed with
 * the prefix {@code FIGURE} to the test's output and appended to {@code target/figures.txt}, so
 * that a run's numbers can be collected with one {@code grep}.
 */
public final class Figures {

    private static final Path FILE = Path.of("target", "figures.txt");

    private Figures() {}

    /**
     * Records one figure line.
     *
     * @param line {@code name key=value ...}, for instance {@code backend-kill failed=3/12034}
     */
    public static void record(String line) {
        String text = "FIGURE " + line;
        System.out.println(text);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    text + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
