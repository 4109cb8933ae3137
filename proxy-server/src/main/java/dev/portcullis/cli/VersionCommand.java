package dev.portcullis.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis version}: prints the version of this build. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("portcullis " + version());
        out.println(
                "Java "
                        + Runtime.version()
                        + " ("
                        + System.getProperty("java.vm.vendor", "unknown vendor")
                        + ")");
        out.flush();
    }

    /** The jar's Implementation-Version, or {@code development} when run from classes. */
    static String version() {
        String version = VersionCommand.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** Lets {@code portcullis --version} say the same. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"portcullis " + version()};
        }
    }
}
