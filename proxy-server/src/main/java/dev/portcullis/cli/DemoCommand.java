package dev.portcullis.cli;

import dev.portcullis.config.BindAddress;
import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import dev.portcullis.demo.DemoBackend;
import dev.portcullis.server.tls.SelfSignedCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Where demo.yaml finds the certificate the demo makes at start-up. */
    static final String TLS_DIR_VARIABLE = "PORTCULLIS_DEMO_TLS_DIR";

    private static final String CERT_FILE = "demo.crt";
    private static final String KEY_FILE = "demo.key";

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path tlsDir = Files.createTempDirectory("portcullis-demo-tls-");
        try {
            return serve(tlsDir);
        } finally {
            deleteQuietly(tlsDir);
        }
    }

    private int serve(Path tlsDir) throws Exception {
        generateCertificate(tlsDir);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(TLS_DIR_VARIABLE, tlsDir.toString());
        ConfigResult result;
        String source;
        Path file = null;
        if (Files.isRegularFile(DEMO_CONFIG)) {
            source = DEMO_CONFIG.toString();
            file = DEMO_CONFIG;
            result = ConfigLoader.load(DEMO_CONFIG, env);
        } else {
            source = "demo.yaml inside the jar";
            result = ConfigLoader.parse(bundledConfig(), source, env);
        }
        if (result instanceof ConfigResult.Invalid invalid) {
            ValidateCommand.printProblems(spec.commandLine().getErr(), Path.of(source), invalid);
            return ValidateCommand.INVALID;
        }
        try (DemoBackend first =
                        DemoBackend.start("backend-1", new BindAddress("127.0.0.1", 9001));
                DemoBackend second =
                        DemoBackend.start("backend-2", new BindAddress("127.0.0.1", 9002))) {
            ProxyLauncher launcher =
                    ProxyLauncher.start(((ConfigResult.Valid) result).config(), source, file, env);
            printTryThis(launcher, first, second, tlsDir.resolve(CERT_FILE));
            launcher.awaitShutdown();
        }
        return 0;
    }

    /** A certificate for localhost and 127.0.0.1, made fresh for every run and never kept. */
    private static void generateCertificate(Path dir) throws IOException {
        CertificateConfig generated =
                SelfSignedCertificates.generate(dir, List.of("localhost"), List.of("127.0.0.1"));
        Files.move(generated.certFile(), dir.resolve(CERT_FILE));
        Files.move(generated.keyFile(), dir.resolve(KEY_FILE));
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A temporary folder; the system cleans it up eventually.
        }
    }

    private void printTryThis(
            ProxyLauncher launcher, DemoBackend first, DemoBackend second, Path certificate) {
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
        if (launcher.server().config().listeners().stream()
                .anyMatch(l -> l.name().equals("secure"))) {
            int https = launcher.server().address("secure").getPort();
            out.println(
                    "    curl --cacert "
                            + certificate
                            + " --http2 -i https://localhost:"
                            + https
                            + "/   (HTTPS and HTTP/2 with the demo's own certificate)");
        }
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
