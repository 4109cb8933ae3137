package dev.portcullis.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The real program, started as the README says ({@code java -jar proxy-server/target/portcullis.jar
 * run --config FILE} from the repository root) with a configuration a test wrote, on free ports of
 * 127.0.0.1. It collects the process's output, reads the ports it bound from its start-up lines,
 * and sends it signals by PID. {@link #close()} stops it by PID, forcibly if it does not exit.
 */
final class PortcullisProcess implements AutoCloseable {

    private static final Pattern LISTENER =
            Pattern.compile("listeners \\S+ on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN =
            Pattern.compile("Admin listener on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient client =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    private int proxyPort;
    private int adminPort;

    private PortcullisProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::collect, "portcullis-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the program with the configuration file and waits until it serves. */
    static PortcullisProcess start(Path config) throws IOException {
        Process started = command(config).redirectErrorStream(true).start();
        PortcullisProcess running = new PortcullisProcess(started);
        try {
            await().atMost(START_TIMEOUT).until(() -> running.serving() || !started.isAlive());
            if (!running.serving()) {
                throw new IllegalStateException(
                        "portcullis did not start; output:\n" + String.join("\n", running.output));
            }
            return running;
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** How a run that was expected to end by itself ended. */
    record Ended(int exitCode, String output) {}

    /** Runs the program with the configuration and waits (bounded) for it to end by itself. */
    static Ended runToEnd(Path config, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile(config.getParent(), "portcullis", ".out");
        Process process =
                command(config).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("portcullis still runs after " + timeout);
            }
            return new Ended(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder command(Path config) {
        Path root = Path.of(System.getProperty("portcullis.root", "..")).toAbsolutePath();
        Path jar =
                Path.of(System.getProperty("portcullis.jar", "target/portcullis.jar"))
                        .toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(
                        java.toString(),
                        "-jar",
                        jar.toString(),
                        "run",
                        "--config",
                        config.toString())
                .directory(root.toFile());
    }

    private boolean serving() {
        for (String line : output) {
            Matcher listener = LISTENER.matcher(line);
            if (line.contains("Portcullis serving") && listener.find()) {
                proxyPort = Integer.parseInt(listener.group(1));
            }
            Matcher admin = ADMIN.matcher(line);
            if (admin.find()) {
                adminPort = Integer.parseInt(admin.group(1));
            }
        }
        return proxyPort > 0 && adminPort > 0;
    }

    private void collect() {
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.add(line);
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    /** Writes a configuration file so that a reader never sees it half written. */
    static void write(Path file, String yaml) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, yaml, StandardCharsets.UTF_8);
        Files.move(
                partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    InetSocketAddress proxy() {
        return new InetSocketAddress("127.0.0.1", proxyPort);
    }

    URI proxyUri(String path) {
        return URI.create("http://127.0.0.1:" + proxyPort + path);
    }

    URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every line the process wrote so far (its stdout and stderr together). */
    List<String> output() {
        return new ArrayList<>(output);
    }

    /** Sends a signal by name ({@code HUP}, {@code TERM}) to the process. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IOException("kill -" + name + " " + pid() + " failed");
        }
    }

    /** SIGTERM: what {@code Process.destroy()} sends on Linux. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; the exit code, or empty if it is still running. */
    Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.of(process.exitValue());
        }
        return Optional.empty();
    }

    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST} without a body, with an {@code Authorization} header unless it is null. */
    HttpResponse<String> post(URI uri, @Nullable String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the process by PID: SIGTERM, then SIGKILL if it has not exited in 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
