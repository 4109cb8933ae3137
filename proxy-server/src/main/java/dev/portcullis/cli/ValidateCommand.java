package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import dev.portcullis.config.ConfigSummary;
import dev.portcullis.config.validate.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis validate FILE}: exit 0 with a one-line summary, or exit 2 after printing every
 * problem with its YAML path and line.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check a configuration file and print every problem in it.")
final class ValidateCommand implements Callable<Integer> {

    static final int INVALID = 2;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The YAML configuration file.")
    Path file;

    @Override
    public Integer call() {
        ConfigResult result = ConfigLoader.load(file, System.getenv());
        if (result instanceof ConfigResult.Valid valid) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(file + " is valid: " + ConfigSummary.describe(valid.config()));
            out.flush();
            return 0;
        }
        printProblems(spec.commandLine().getErr(), file, ((ConfigResult.Invalid) result));
        return INVALID;
    }

    static void printProblems(PrintWriter err, Path file, ConfigResult.Invalid invalid) {
        int count = invalid.problems().size();
        err.println(
                file + " is not valid (" + count + (count == 1 ? " problem" : " problems") + "):");
        for (ConfigProblem problem : invalid.problems()) {
            err.println("  " + problem);
        }
        err.flush();
    }
}
