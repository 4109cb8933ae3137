package dev.portcullis.cli;

import picocli.CommandLine.Command;

/** The top-level command; it only groups the subcommands. */
@Command(
        name = "portcullis",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "A security reverse proxy and load balancer.",
        subcommands = {
            RunCommand.class,
            ValidateCommand.class,
            DemoCommand.class,
            VersionCommand.class
        })
final class PortcullisCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this),
                "a command is required: run, validate, demo or version");
    }
}
