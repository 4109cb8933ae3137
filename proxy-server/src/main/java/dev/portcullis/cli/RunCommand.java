package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis run --config FILE}: serves until SIGTERM or SIGINT. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the proxy with a configuration file.")
final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "The YAML configuration file (default: ${DEFAULT-VALUE}).",
            defaultValue = "config/portcullis.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        ConfigResult result = ConfigLoader.load(config, System.getenv());
        if (result instanceof ConfigResult.Invalid invalid) {
            ValidateCommand.printProblems(spec.commandLine().getErr(), config, invalid);
            return ValidateCommand.INVALID;
        }
        ProxyLauncher launcher;
        try {
            launcher =
                    ProxyLauncher.start(
                            ((ConfigResult.Valid) result).config(),
                            config.toString(),
                            config,
                            System.getenv());
        } catch (IOException e) {
            spec.commandLine().getErr().println("portcullis: cannot start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        launcher.awaitShutdown();
        return 0;
    }
}
