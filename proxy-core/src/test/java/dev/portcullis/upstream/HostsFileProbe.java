package dev.portcullis.upstream;

import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.health.BackendStatus;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.FilterChainFactory;
import dev.portcullis.server.ProxyServer;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Run by {@link DnsResolutionTest} in a JVM of its own whose resolver reads a hosts file ({@code
 * -Djdk.net.hosts.file}), so that names resolve as the test wants without a DNS query. With {@code
 * unresolvable HOST} it prints what resolving, starting with and reloading to a backend of that
 * host say; with {@code checks HOST} it health-checks a backend of a host with several addresses,
 * only the first of which has a server, and prints each address's state; one line each.
 */
final class HostsFileProbe {

    private HostsFileProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("checks")) {
            checks(args[1]);
        } else {
            unresolvable(args[1]);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void checks(String host) throws Exception {
        try (TestBackend backend = TestBackend.start("first-address")) {
            URI url = URI.create("http://" + host + ":" + backend.address().getPort());
            ProxyConfig config =
                    TestConfigs.builder()
                            .backend(url)
                            .healthCheck(
                                    TestConfigs.httpCheck("/healthz", Duration.ofMillis(200), 1, 1))
                            .build();
            try (RunningProxy proxy = RunningProxy.start(config)) {
                List<BackendStatus> statuses = proxy.server().backendStatuses().get("app");
                for (BackendStatus status :
                        statuses == null ? List.<BackendStatus>of() : statuses) {
                    System.out.println("status: " + status.backend() + " " + status.state());
                }
            }
        }
    }

    private static void unresolvable(String host) throws Exception {
        URI url = URI.create("http://" + host + ":8080");
        try {
            BackendAddresses.resolve(new BackendConfig(url, 1));
            System.out.println("resolve: resolved");
        } catch (UnknownHostException e) {
            System.out.println("resolve: " + e.getMessage());
        }

        ProxyConfig unresolvable = TestConfigs.builder().backend(url).build();
        try (ProxyServer server =
                new ProxyServer(
                        unresolvable,
                        new ProxyMetrics(new SimpleMeterRegistry()),
                        FilterChainFactory.standard(),
                        "probe")) {
            server.start();
            System.out.println("start: started");
        } catch (IOException e) {
            System.out.println("start: " + e.getMessage());
        }

        try (TestBackend backend = TestBackend.start("resolvable");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {
            ProxyServer.ReloadOutcome outcome = proxy.server().reload(unresolvable);
            System.out.println("reload: applied=" + outcome.applied() + " " + outcome.problems());
            System.out.println(
                    "still: " + proxy.server().config().upstreams().get(0).backends().get(0).url());
        }
    }
}
