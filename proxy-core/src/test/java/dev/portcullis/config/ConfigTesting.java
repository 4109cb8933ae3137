package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.validate.ConfigProblem;
import java.util.List;
import java.util.Map;

/** Shared pieces of configuration text and shortcuts for loading it in tests. */
final class ConfigTesting {

    /** One listener, 3 lines. */
    static final String LISTENERS =
            """
            listeners:
              - name: public
                bind: 127.0.0.1:8080
            """;

    /** One upstream named {@code app} with one backend, 4 lines. */
    static final String UPSTREAMS =
            """
            upstreams:
              - name: app
                backends:
                  - url: http://127.0.0.1:3000
            """;

    /** One route to {@code app}, 2 lines. */
    static final String ROUTES =
            """
            routes:
              - upstream: app
            """;

    /** The smallest valid configuration, 9 lines. */
    static final String REQUIRED = LISTENERS + UPSTREAMS + ROUTES;

    private ConfigTesting() {}

    /** The problems of an invalid configuration, each printed as the CLI prints it. */
    static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<String> problems(String yaml, Map<String, String> env) {
        ConfigResult result = ConfigLoader.parse(yaml, "test.yaml", env);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        return ((ConfigResult.Invalid) result)
                .problems().stream().map(ConfigProblem::toString).toList();
    }

    /** The configuration of a text that must be valid. */
    static ProxyConfig valid(String yaml) {
        return valid(yaml, Map.of());
    }

    static ProxyConfig valid(String yaml, Map<String, String> env) {
        ConfigResult result = ConfigLoader.parse(yaml, "test.yaml", env);
        if (result instanceof ConfigResult.Invalid invalid) {
            throw new AssertionError("expected a valid configuration, got " + invalid.problems());
        }
        return ((ConfigResult.Valid) result).config();
    }
}
