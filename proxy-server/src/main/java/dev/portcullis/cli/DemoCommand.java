package dev.portcullis.cli;

import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import dev.portcullis.demo.DemoBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis demo}: two small demo backends and the proxy in front of them, configured by
 * {@code config/demo.yaml} (the copy in the working directory, else the one inside the jar).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start two demo backends on 127.0.0.1:9001 and :9002 and the proxy in front of them",
            "(proxy on 127.0.0.1:8080, admin on 127.0.0.1:9901), and serve until Ctrl-C."
        })
final class DemoCommand implements Callable<Integer> {

    private static final Path DEMO_CONFIG = Path.of("config", "demo.yaml");

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigResult result;
        String source;
        if (Files.isRegularFile(DEMO_CONFIG)) {
            source = DEMO_CONFIG.toString();
            result = ConfigLoader.load(DEMO_CONFIG, System.getenv());
        } else {
            source = "demo.yaml inside the jar";
            result = ConfigLoader.parse(bundledConfig(), source, System.getenv());
        }
        if (result instanceof ConfigResult.Invalid invalid) {
            ValidateCommand.printProblems(spec.commandLine().getErr(), Path.of(source), invalid);
            return ValidateCommand.INVALID;
        }
        try (DemoBackend first =
                        DemoBackend.start("backend-1", new BindAddress("127.0.0.1", 9001));
                DemoBackend second =
                        DemoBackend.start("backend-2", new BindAddress("127.0.0.1", 9002));
                ProxyLauncher launcher =
                        ProxyLauncher.start(((ConfigResult.Valid) result).config(), source)) {
            printTryThis(launcher, first, second);
            launcher.awaitShutdown();
        }
        return 0;
    }

    private void printTryThis(ProxyLauncher launcher, DemoBackend first, DemoBackend second) {
        InetSocketAddress proxy = launcher.server().address("public");
        String base = "http://127.0.0.1:" + proxy.getPort();
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("Portcullis demo is running.");
        out.println(
                "  demo backends: "
                        + first.name()
                        + " on 127.0.0.1:"
                        + first.address().getPort()
                        + ", "
                        + second.name()
                        + " on 127.0.0.1:"
                        + second.address().getPort());
        out.println("  try:");
        out.println("    curl -i " + base + "/                      (round robin over both)");
        out.println(
                "    curl -s "
                        + base
                        + "/echo                  (the request as the backend saw it)");
        out.println("    curl -i " + base + "/bytes/1048576 -o /dev/null  (streamed download)");
        out.println(
                "    curl -i -X POST --data-binary @/dev/zero -H 'Content-Length: 2000000' "
                        + base
                        + "/echo  (413: over max_body_bytes)");
        out.println(
                "    printf 'GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n' | nc 127.0.0.1 "
                        + proxy.getPort()
                        + "  (400: smuggling-shaped request refused)");
        InetSocketAddress admin = launcher.adminAddress();
        if (admin != null) {
            out.println(
                    "    curl -s http://127.0.0.1:"
                            + admin.getPort()
                            + "/metrics | grep portcullis_");
        }
        out.println("  Ctrl-C stops it.");
        out.flush();
    }

    private static String bundledConfig() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/config/demo.yaml")) {
            if (in == null) {
                throw new IOException("the jar carries no config/demo.yaml");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
