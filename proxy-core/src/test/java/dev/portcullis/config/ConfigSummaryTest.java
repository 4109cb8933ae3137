package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigSummaryTest {

    @Test
    void describe_severalOfEach_countsThemInPlural() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8080
                  - name: other
                    bind: 0.0.0.0:8081
                upstreams:
                  - name: app
                    backends:
                      - url: http://127.0.0.1:3000
                      - url: http://127.0.0.1:3001
                routes:
                  - path_prefix: /a
                    upstream: app
                  - path_prefix: /b
                    upstream: app
                  - path_prefix: /c
                    upstream: app
                """;

        assertThat(ConfigSummary.describe(valid(yaml)))
                .isEqualTo(
                        "2 listeners, 1 upstream with 2 backends, 3 routes, admin on"
                                + " 127.0.0.1:9901");
    }

    @Test
    void describe_oneOfEach_countsThemInSingular() {
        assertThat(ConfigSummary.describe(valid(REQUIRED)))
                .isEqualTo(
                        "1 listener, 1 upstream with 1 backend, 1 route, admin on 127.0.0.1:9901");
    }

    @Test
    void describe_adminDisabled_saysAdminOff() {
        assertThat(ConfigSummary.describe(valid("admin:\n  enabled: false\n" + REQUIRED)))
                .endsWith(", 1 route, admin off");
    }

    @Test
    void describe_backendsOfSeveralUpstreams_areAddedUp() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8080
                upstreams:
                  - name: app
                    backends:
                      - url: http://127.0.0.1:3000
                  - name: api
                    backends:
                      - url: http://127.0.0.1:4000
                      - url: http://127.0.0.1:4001
                routes:
                  - upstream: app
                """;

        assertThat(ConfigSummary.describe(valid(yaml))).contains("2 upstreams with 3 backends");
    }
}
