package dev.portcullis.testing;

import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds real backends and upstreams for tests, named {@code a}, {@code b}, {@code c}, ... */
public final class TestBackends {

    private TestBackends() {}

    /** Returns one backend per weight, on hosts {@code a}, {@code b}, ... of upstream "app". */
    public static List<Backend> weighted(int... weights) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            backends.add(backend("app", String.valueOf((char) ('a' + i)), weights[i]));
        }
        return backends;
    }

    public static Backend backend(String upstream, String host, int weight) {
        return new Backend(
                upstream, new BackendConfig(URI.create("http://" + host + ":80"), weight));
    }

    /** Returns an upstream of the name with one backend of weight 1. */
    public static Upstream upstream(String name) {
        Backend backend = backend(name, name + "-1", 1);
        UpstreamConfig config =
                new UpstreamConfig(
                        name,
                        BalancePolicy.ROUND_ROBIN,
                        List.of(backend.config()),
                        0,
                        new UpstreamTimeouts(
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1)),
                        new PoolConfig(1, Duration.ofSeconds(1)));
        return new Upstream(config, List.of(backend));
    }
}
