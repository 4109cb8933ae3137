package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.testing.Figures;
import dev.portcullis.testing.LoadLoop;
import dev.portcullis.testing.TestBackend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads of the real program's configuration file while a client loop runs, through {@code POST
 * /api/reload} and through the file watcher: valid changes take effect without a failed request,
 * and an invalid file leaves the running configuration in place, is logged, is answered with 422
 * and is counted in {@code portcullis_config_reloads_total{outcome="invalid"}}.
 */
class ReloadUnderLoadIT {

    private static final String CHECKS =
            "    health_check:\n"
                    + "      path: /healthz\n"
                    + "      interval: 200ms\n"
                    + "      timeout: 150ms\n";

    /** The file watcher polls every 2 s and waits for one more poll to see the file settled. */
    private static final Duration WATCHER = Duration.ofSeconds(10);

    private static final Pattern INVALID_RELOADS =
            Pattern.compile("portcullis_config_reloads_total\\{outcome=\"invalid\"} (\\S+)");

    private final List<AutoCloseable> resources = new ArrayList<>();

    @TempDir Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void adminReload_underLoad_addsAndRemovesBackendsAndMovesARouteWithoutAFailure()
            throws Exception {
        TestBackend first = backend("first");
        TestBackend second = backend("second");
        TestBackend other = backend("other");
        Path config = dir.resolve("portcullis.yaml");
        PortcullisProcess.write(
                config,
                new ConfigText()
                        .upstream("app", CHECKS, first.address())
                        .route("/", "app")
                        .render());
        PortcullisProcess portcullis = started(config);
        LoadLoop load =
                track(
                        LoadLoop.start(
                                portcullis.proxy(),
                                4,
                                Duration.ofSeconds(30),
                                1_000_000,
                                n -> (n % 2 == 0 ? "/load/" : "/other/load/") + n));
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > 50);

        // when: a backend is added and /other moves to a new upstream
        PortcullisProcess.write(
                config,
                new ConfigText()
                        .upstream("app", CHECKS, first.address(), second.address())
                        .upstream("other", CHECKS, other.address())
                        .route("/other", "other")
                        .route("/", "app")
                        .render());
        HttpResponse<String> added = portcullis.post(portcullis.adminUri("/api/reload"), null);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> proxied(second) > 50 && proxied(other) > 50);

        // when: the first backend is removed
        PortcullisProcess.write(
                config,
                new ConfigText()
                        .upstream("app", CHECKS, second.address())
                        .upstream("other", CHECKS, other.address())
                        .route("/other", "other")
                        .route("/", "app")
                        .render());
        HttpResponse<String> removed = portcullis.post(portcullis.adminUri("/api/reload"), null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        AtomicLong lastSeen = new AtomicLong(-1);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> lastSeen.getAndSet(proxied(first)) == proxied(first));
        int firstAfterRemoval = proxied(first);
        int mark = load.total();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.total() > mark + 500);
        load.stop();

        assertThat(load.failures()).isEmpty();
        assertThat(proxied(first))
                .as("requests to the removed backend")
                .isEqualTo(firstAfterRemoval);
        assertThat(other.requests())
                .filteredOn(r -> !r.uri().equals("/healthz"))
                .allMatch(r -> r.uri().startsWith("/other/"));
        Figures.record("reload admin-api failed=0/" + load.total());
    }

    @Test
    void fileWatcher_underLoad_appliesTheChangedFileWithoutAFailure() throws Exception {
        TestBackend first = backend("first");
        TestBackend added = backend("added");
        Path config = dir.resolve("portcullis.yaml");
        PortcullisProcess.write(
                config,
                new ConfigText()
                        .watchConfig(true)
                        .upstream("app", CHECKS, first.address())
                        .route("/", "app")
                        .render());
        PortcullisProcess portcullis = started(config);
        LoadLoop load =
                track(LoadLoop.start(portcullis.proxy(), 4, Duration.ofSeconds(30), 1_000_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > 50);

        PortcullisProcess.write(
                config,
                new ConfigText()
                        .watchConfig(true)
                        .upstream("app", CHECKS, first.address(), added.address())
                        .route("/", "app")
                        .render());

        await().atMost(WATCHER).until(() -> proxied(added) > 50);
        load.stop();
        assertThat(load.failures()).isEmpty();
        assertThat(portcullis.output()).anyMatch(line -> line.contains("Reload (file changed)"));
        Figures.record("reload file-watch failed=0/" + load.total());
    }

    @Test
    void invalidFile_adminReload_keepsRunningConfigAnswers422AndCountsIt() throws Exception {
        TestBackend first = backend("first");
        Path config = dir.resolve("portcullis.yaml");
        String valid =
                new ConfigText()
                        .upstream("app", CHECKS, first.address())
                        .route("/", "app")
                        .render();
        PortcullisProcess.write(config, valid);
        PortcullisProcess portcullis = started(config);
        LoadLoop load =
                track(LoadLoop.start(portcullis.proxy(), 2, Duration.ofSeconds(30), 1_000_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > 50);

        PortcullisProcess.write(config, valid.replace("upstreams:\n", "upstreams: [\n"));
        HttpResponse<String> refused = portcullis.post(portcullis.adminUri("/api/reload"), null);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("is not valid").contains(config.toString());
        assertThat(invalidReloads(portcullis)).isEqualTo(1.0);
        assertThat(portcullis.output())
                .anyMatch(line -> line.contains("Reload (admin API) refused"));
        int mark = proxied(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > mark + 200);
        load.stop();
        assertThat(load.failures()).isEmpty();
        Figures.record("reload invalid-admin-api failed=0/" + load.total() + " status=422");
    }

    @Test
    void invalidFile_fileWatcher_keepsRunningConfigAndCountsIt() throws Exception {
        TestBackend first = backend("first");
        TestBackend never = backend("never");
        Path config = dir.resolve("portcullis.yaml");
        ConfigText text =
                new ConfigText()
                        .watchConfig(true)
                        .upstream("app", CHECKS, first.address())
                        .route("/", "app");
        PortcullisProcess.write(config, text.render());
        PortcullisProcess portcullis = started(config);
        LoadLoop load =
                track(LoadLoop.start(portcullis.proxy(), 2, Duration.ofSeconds(30), 1_000_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > 50);

        // An unknown key beside a real change: nothing of it may be applied.
        PortcullisProcess.write(
                config,
                new ConfigText()
                        .watchConfig(true)
                        .upstream(
                                "app",
                                CHECKS + "    retires: 2\n",
                                first.address(),
                                never.address())
                        .route("/", "app")
                        .render());

        await().atMost(WATCHER).until(() -> invalidReloads(portcullis) == 1.0);
        int mark = proxied(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied(first) > mark + 200);
        load.stop();
        assertThat(load.failures()).isEmpty();
        assertThat(never.requests()).isEmpty();
        assertThat(portcullis.output())
                .anyMatch(line -> line.contains("Reload (file changed) refused"))
                .anyMatch(line -> line.contains("retires"));
        Figures.record("reload invalid-file-watch failed=0/" + load.total());
    }

    /** Starts the program and waits until its backends passed their first checks. */
    private PortcullisProcess started(Path config) throws Exception {
        PortcullisProcess portcullis = track(PortcullisProcess.start(config));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> portcullis.get(portcullis.proxyUri("/")).statusCode() == 200);
        return portcullis;
    }

    private double invalidReloads(PortcullisProcess portcullis) throws Exception {
        String metrics = portcullis.get(portcullis.adminUri("/metrics")).body();
        Matcher matcher = INVALID_RELOADS.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    private TestBackend backend(String name) throws InterruptedException {
        return track(TestBackend.start(name));
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Requests of the client loop (not health checks) the backend received. */
    private static int proxied(TestBackend backend) {
        return (int) backend.requests().stream().filter(r -> !r.uri().equals("/healthz")).count();
    }
}
