package dev.portcullis.testing;

import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Upstreams for benchmarks: backends on made-up local ports that nothing ever connects to. */
public final class BenchmarkUpstreams {

    private BenchmarkUpstreams() {}

    /** An upstream named {@code name} with {@code count} backends of weight 1. */
    public static Upstream of(String name, int count, BalancePolicy policy) {
        List<BackendConfig> configs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            configs.add(new BackendConfig(URI.create("http://127.0.0.1:" + (18_080 + i)), 1));
        }
        UpstreamConfig config =
                new UpstreamConfig(
                        name,
                        policy,
                        configs,
                        1,
                        TestConfigs.defaultTimeouts(),
                        new PoolConfig(32, Duration.ofSeconds(15)));
        List<Backend> backends = new ArrayList<>();
        for (BackendConfig backend : config.backends()) {
            backends.add(new Backend(name, backend));
        }
        return new Upstream(config, backends);
    }
}
