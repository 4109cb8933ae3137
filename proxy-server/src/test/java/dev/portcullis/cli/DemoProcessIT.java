package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Starts the real jar the way the README does ({@code java -jar proxy-server/target/portcullis.jar
 * demo} from the repository root), uses it, and stops it with SIGTERM.
 */
class DemoProcessIT {

    @Test
    void demo_startedAsTheReadmeSays_servesPagesAndMetricsAndStopsOnSigterm() throws Exception {
        Path root = Path.of(System.getProperty("portcullis.root", "..")).toAbsolutePath();
        Path jar =
                Path.of(System.getProperty("portcullis.jar", "target/portcullis.jar"))
                        .toAbsolutePath();
        Process process =
                new ProcessBuilder("java", "-jar", jar.toString(), "demo")
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> collect(process, output), "demo-output");
        reader.setDaemon(true);
        reader.start();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    output.stream()
                                            .anyMatch(
                                                    line ->
                                                            line.contains(
                                                                    "Portcullis demo is running")));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> first = get(client, "http://127.0.0.1:8080/");
            HttpResponse<String> second = get(client, "http://127.0.0.1:8080/");
            HttpResponse<String> metrics = get(client, "http://127.0.0.1:9901/metrics");

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body()).contains("Portcullis demo backend backend-");
            assertThat(
                            List.of(
                                    first.body().contains("backend-1"),
                                    second.body().contains("backend-1")))
                    .containsExactlyInAnyOrder(true, false);
            assertThat(metrics.body())
                    .contains(
                            "portcullis_requests_total{code_class=\"2xx\","
                                    + "route=\"web\",upstream=\"demo\"}");
            assertThat(output)
                    .anyMatch(
                            line ->
                                    line.contains("transport epoll")
                                            || line.contains("transport nio"));
        } finally {
            process.destroy();
            boolean exited = process.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).as("exits on SIGTERM").isTrue();
        }
        assertThat(process.exitValue()).as("exit code after SIGTERM").isZero();
    }

    private static HttpResponse<String> get(HttpClient client, String uri)
            throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void collect(Process process, List<String> output) {
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
}
