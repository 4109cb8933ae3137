package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.admin.AdminServer;
import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import dev.portcullis.testing.TestBackend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of the real program: {@code POST /api/reload} and its bearer token, {@code GET
 * /api/upstreams} with each backend's health, ejection and load, {@code /readyz} during a drain,
 * and the refusal of an admin listener that other hosts could reach without a token.
 */
class AdminApiIT {

    private static final String TOKEN = "s3cret-Token_for.tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reload_tokenConfigured_refusesMissingOrWrongTokenAndAcceptsTheRightOne(@TempDir Path dir)
            throws Exception {
        try (TestBackend backend = TestBackend.start("backend")) {
            Path config = dir.resolve("portcullis.yaml");
            PortcullisProcess.write(
                    config,
                    new ConfigText()
                            .adminToken(TOKEN)
                            .upstream("app", "", backend.address())
                            .route("/", "app")
                            .render());
            try (PortcullisProcess portcullis = PortcullisProcess.start(config)) {
                var reload = portcullis.adminUri("/api/reload");

                HttpResponse<String> none = portcullis.post(reload, null);
                HttpResponse<String> wrong = portcullis.post(reload, "Bearer not-" + TOKEN);
                HttpResponse<String> basic = portcullis.post(reload, "Basic " + TOKEN);
                HttpResponse<String> right = portcullis.post(reload, "Bearer " + TOKEN);

                assertThat(none.statusCode()).isEqualTo(401);
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(basic.statusCode()).isEqualTo(401);
                assertThat(right.statusCode()).isEqualTo(200);
                assertThat(right.body()).startsWith("reloaded");
                assertThat(portcullis.output())
                        .filteredOn(line -> line.contains("Reload (admin API)"))
                        .hasSize(1)
                        .noneMatch(line -> line.contains(TOKEN));
            }
        }
    }

    @Test
    void upstreams_backendsInEveryState_showHealthEjectionActiveRequestsAndConnections(
            @TempDir Path dir) throws Exception {
        TestBackend.Responder slowOnSlowPath =
                (request, reply) -> {
                    if (request.uri().equals("/slow")) {
                        reply.later(3000, () -> reply.text(200, "slow"));
                    } else {
                        reply.text(200, "busy");
                    }
                };
        TestBackend.Responder failingChecks =
                (request, reply) ->
                        reply.text(request.uri().equals("/healthz") ? 503 : 200, "unhealthy");
        TestBackend.Responder failingRequests =
                (request, reply) ->
                        reply.text(request.uri().equals("/healthz") ? 200 : 500, "ejected");
        try (TestBackend busy = TestBackend.start("busy", slowOnSlowPath);
                TestBackend unhealthy = TestBackend.start("unhealthy", failingChecks);
                TestBackend ejected = TestBackend.start("ejected", failingRequests)) {
            Path config = dir.resolve("portcullis.yaml");
            String checksAndOutlier =
                    "    health_check:\n"
                            + "      path: /healthz\n"
                            + "      interval: 200ms\n"
                            + "      timeout: 150ms\n"
                            + "      healthy: 2\n"
                            + "      unhealthy: 2\n"
                            + "    outlier:\n"
                            + "      consecutive_5xx: 2\n"
                            + "      base_ejection: 30s\n"
                            + "      max_ejection_percent: 100\n";
            PortcullisProcess.write(
                    config,
                    new ConfigText()
                            .upstream(
                                    "app",
                                    checksAndOutlier,
                                    busy.address(),
                                    unhealthy.address(),
                                    ejected.address())
                            .route("/", "app")
                            .render());
            try (PortcullisProcess portcullis = PortcullisProcess.start(config)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> state(portcullis, ejected).equals("healthy"));
                for (int i = 0; i < 10 && !state(portcullis, ejected).equals("ejected"); i++) {
                    portcullis.get(portcullis.proxyUri("/eject/" + i));
                }
                CompletableFuture<HttpResponse<String>> slow =
                        HttpClient.newHttpClient()
                                .sendAsync(
                                        HttpRequest.newBuilder(portcullis.proxyUri("/slow"))
                                                .timeout(Duration.ofSeconds(10))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(5))
                        .until(
                                () ->
                                        busy.requests().stream()
                                                .anyMatch(r -> r.uri().equals("/slow")));

                JsonNode backends = backends(portcullis);

                JsonNode busyNode = backend(backends, busy);
                assertThat(busyNode.get("state").asText()).isEqualTo("healthy");
                assertThat(busyNode.get("available").asBoolean()).isTrue();
                assertThat(busyNode.get("active_requests").asInt()).isEqualTo(1);
                assertThat(busyNode.get("open_connections").asInt()).isPositive();
                assertThat(busyNode.get("last_check").get("passed").asBoolean()).isTrue();
                JsonNode unhealthyNode = backend(backends, unhealthy);
                assertThat(unhealthyNode.get("state").asText()).isEqualTo("unhealthy");
                assertThat(unhealthyNode.get("available").asBoolean()).isFalse();
                assertThat(unhealthyNode.get("consecutive_failures").asInt()).isPositive();
                assertThat(unhealthyNode.get("last_check").get("detail").asText()).contains("503");
                JsonNode ejectedNode = backend(backends, ejected);
                assertThat(ejectedNode.get("state").asText()).isEqualTo("ejected");
                assertThat(ejectedNode.get("available").asBoolean()).isFalse();
                assertThat(ejectedNode.get("ejections").asInt()).isEqualTo(1);
                assertThat(ejectedNode.get("ejected_until").isNull()).isFalse();
                assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void readyz_duringDrain_answers503WhileRequestsFinish(@TempDir Path dir) throws Exception {
        try (TestBackend slow =
                TestBackend.start(
                        "slow",
                        (request, reply) -> reply.later(2000, () -> reply.text(200, "slow")))) {
            Path config = dir.resolve("portcullis.yaml");
            PortcullisProcess.write(
                    config,
                    new ConfigText()
                            .upstream("app", "", slow.address())
                            .route("/", "app")
                            .render());
            try (PortcullisProcess portcullis = PortcullisProcess.start(config)) {
                assertThat(portcullis.get(portcullis.adminUri("/readyz")).statusCode())
                        .isEqualTo(200);
                CompletableFuture<HttpResponse<String>> inFlight =
                        HttpClient.newHttpClient()
                                .sendAsync(
                                        HttpRequest.newBuilder(portcullis.proxyUri("/slow"))
                                                .timeout(Duration.ofSeconds(10))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(5)).until(() -> slow.receivedHeads() == 1);

                portcullis.terminate();

                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(20))
                        .until(
                                () ->
                                        portcullis.get(portcullis.adminUri("/readyz")).statusCode()
                                                == 503);
                assertThat(inFlight).isNotDone();
                assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                assertThat(portcullis.awaitExit(Duration.ofSeconds(10))).contains(0);
            }
        }
    }

    @Test
    void adminOutsideLoopbackWithoutToken_isAConfigProblemAndTheProgramDoesNotStart(
            @TempDir Path dir) throws Exception {
        Path config = dir.resolve("portcullis.yaml");
        String yaml =
                new ConfigText()
                        .upstream("app", "", new InetSocketAddress("127.0.0.1", 9))
                        .route("/", "app")
                        .render();
        Files.writeString(
                config,
                yaml.replace("admin:\n  bind: 127.0.0.1:0\n", "admin:\n  bind: 0.0.0.0:0\n"),
                StandardCharsets.UTF_8);

        ConfigResult result = ConfigLoader.load(config, Map.of());
        PortcullisProcess.Ended run = PortcullisProcess.runToEnd(config, Duration.ofSeconds(30));

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        assertThat(((ConfigResult.Invalid) result).problems())
                .anySatisfy(problem -> assertThat(problem.toString()).contains("admin.token"));
        assertThat(run.exitCode()).isEqualTo(ValidateCommand.INVALID);
        assertThat(run.output()).contains("admin.token").doesNotContain("Portcullis serving");
    }

    @Test
    void adminServerOutsideLoopbackWithoutToken_refusesToBeBuilt() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        assertThatThrownBy(
                        () -> new AdminServer(new BindAddress("0.0.0.0", 0), registry, () -> true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("admin.token");
    }

    private static JsonNode backends(PortcullisProcess portcullis) throws Exception {
        HttpResponse<String> response = portcullis.get(portcullis.adminUri("/api/upstreams"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode upstreams = JSON.readTree(response.body()).get("upstreams");
        assertThat(upstreams).hasSize(1);
        return upstreams.get(0).get("backends");
    }

    private static JsonNode backend(JsonNode backends, TestBackend backend) {
        String id = "127.0.0.1:" + backend.address().getPort();
        for (JsonNode node : backends) {
            if (node.get("backend").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no backend " + id + " in " + backends);
    }

    private static String state(PortcullisProcess portcullis, TestBackend backend)
            throws Exception {
        return backend(backends(portcullis), backend).get("state").asText();
    }
}
