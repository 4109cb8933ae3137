package dev.portcullis.cli;

import picocli.CommandLine;

/** Entry point of the runnable jar: {@code java -jar portcullis.jar <command>}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // Netty 4.2's default allocator is the adaptive one; the pooled allocator is the one
        // this proxy is measured with (NETTY-PITFALLS §1.19). An explicit setting still wins.
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
        int status = new CommandLine(new PortcullisCommand()).execute(args);
        System.exit(status);
    }
}
