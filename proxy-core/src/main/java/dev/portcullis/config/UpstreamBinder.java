package dev.portcullis.config;

import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Binds {@code upstreams}: named groups of backends with their balancing, timeouts and pool. */
final class UpstreamBinder {

    /**
     * The upstreams that bound completely, and the name of every upstream whose name was valid, so
     * that routes can be checked against what the operator meant even when an upstream has other
     * problems.
     */
    record Upstreams(List<UpstreamConfig> configs, List<String> names) {}

    private static final ValueParser<Integer> WEIGHT = Values.integer(1, 1000);
    private static final ValueParser<Integer> RETRIES = Values.integer(0, 5);
    private static final ValueParser<Duration> CONNECT =
            Values.duration(Duration.ofMillis(10), Duration.ofMinutes(5));
    private static final ValueParser<Duration> RESPONSE_HEADER =
            Values.duration(Duration.ofMillis(100), Duration.ofHours(1));
    private static final ValueParser<Duration> IDLE =
            Values.duration(Duration.ofSeconds(1), Duration.ofHours(1));
    private static final ValueParser<Integer> MAX_IDLE_PER_LOOP = Values.integer(0, 10_000);
    private static final ValueParser<Duration> POOL_IDLE_TIMEOUT =
            Values.duration(Duration.ofMillis(100), Duration.ofHours(1));

    private UpstreamBinder() {}

    static Upstreams bind(MappingReader top, Problems problems) {
        List<UpstreamConfig> configs = new ArrayList<>();
        List<Located<String>> names = new ArrayList<>();
        List<MappingReader> items =
                top.requiredItems(
                        "upstreams",
                        "upstream",
                        "name",
                        "balance",
                        "backends",
                        "retries",
                        "timeouts",
                        "pool");
        for (MappingReader item : items) {
            String name = item.required("name", Values.name());
            BalancePolicy balance =
                    item.value(
                            "balance",
                            Values.choice(BalancePolicy.class),
                            UpstreamConfig.DEFAULT_BALANCE);
            List<BackendConfig> backends = backends(item, problems);
            int retries = item.value("retries", RETRIES, UpstreamConfig.DEFAULT_RETRIES);
            UpstreamTimeouts timeouts =
                    timeouts(item.section("timeouts", "connect", "response_header", "idle"));
            PoolConfig pool = pool(item.section("pool", "max_idle_per_loop", "idle_timeout"));
            if (name != null) {
                names.add(item.located("name", name));
                configs.add(new UpstreamConfig(name, balance, backends, retries, timeouts, pool));
            }
        }
        CrossChecks.uniqueNames(names, problems);
        return new Upstreams(configs, names.stream().map(Located::value).toList());
    }

    private static List<BackendConfig> backends(MappingReader upstream, Problems problems) {
        List<BackendConfig> backends = new ArrayList<>();
        List<Located<String>> authorities = new ArrayList<>();
        for (MappingReader item : upstream.requiredItems("backends", "backend", "url", "weight")) {
            URI url = item.required("url", AddressValues.backendUrl());
            int weight = item.value("weight", WEIGHT, BackendConfig.DEFAULT_WEIGHT);
            if (url != null) {
                BackendConfig backend = new BackendConfig(url, weight);
                backends.add(backend);
                authorities.add(item.located("url", backend.authority()));
            }
        }
        CrossChecks.uniqueBackends(authorities, problems);
        return backends;
    }

    private static UpstreamTimeouts timeouts(MappingReader section) {
        UpstreamTimeouts defaults = UpstreamTimeouts.defaults();
        return new UpstreamTimeouts(
                section.value("connect", CONNECT, defaults.connect()),
                section.value("response_header", RESPONSE_HEADER, defaults.responseHeader()),
                section.value("idle", IDLE, defaults.idle()));
    }

    private static PoolConfig pool(MappingReader section) {
        PoolConfig defaults = PoolConfig.defaults();
        return new PoolConfig(
                section.value("max_idle_per_loop", MAX_IDLE_PER_LOOP, defaults.maxIdlePerLoop()),
                section.value("idle_timeout", POOL_IDLE_TIMEOUT, defaults.idleTimeout()));
    }
}
