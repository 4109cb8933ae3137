package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.UPSTREAMS;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenerBinderTest {

    @Test
    void bind_listeners_bindsNameAndAddressInOrder() {
        ProxyConfig config =
                valid(
                        """
                        listeners:
                          - name: public
                            bind: 0.0.0.0:8080
                          - name: internal-v6
                            bind: "[::1]:8081"
                        """
                                + UPSTREAMS
                                + ROUTES);

        assertThat(config.listeners())
                .containsExactly(
                        new ListenerConfig("public", new BindAddress("0.0.0.0", 8080)),
                        new ListenerConfig("internal-v6", new BindAddress("::1", 8081)));
    }

    @Test
    void bind_noListenersKey_isAProblemWithoutALine() {
        assertThat(problems(UPSTREAMS + ROUTES))
                .containsExactly("listeners: required key is missing");
    }

    @Test
    void bind_emptyList_needsAtLeastOne() {
        assertThat(problems("listeners: []\n" + UPSTREAMS + ROUTES))
                .containsExactly("listeners (line 1): needs at least one listener");
    }

    @Test
    void bind_listenerWithoutNameAndBind_reportsBothAtTheItem() {
        assertThat(problems("listeners:\n  - {}\n" + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 2): required key is missing",
                        "listeners[0].name (line 2): required key is missing");
    }

    @Test
    void bind_badName_isAProblemAtTheName() {
        String yaml =
                """
                listeners:
                  - name: Public
                    bind: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].name (line 2): a name must be lower-case letters, digits,"
                                + " '_' and '-', starting with a letter or digit: \"Public\"");
    }

    @Test
    void bind_badBind_isAProblemAtTheBind() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:80800
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 3): the port must be a number from 0 to 65535:"
                                + " \"127.0.0.1:80800\"");
    }

    @Test
    void bind_itemNotAMapping_isAProblemAtTheItem() {
        assertThat(problems("listeners:\n  - public\n" + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0] (line 2): each listener must be a mapping of keys to values,"
                                + " not a value (\"public\")");
    }

    @Test
    void bind_listenersAsMapping_mustBeAList() {
        assertThat(problems("listeners:\n  name: public\n" + UPSTREAMS + ROUTES))
                .containsExactly("listeners (line 2): must be a list, not a mapping");
    }

    @Test
    void bind_unknownKey_suggestsTheNearest() {
        String yaml =
                """
                listeners:
                  - name: public
                    bnd: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 2): required key is missing",
                        "listeners[0].bnd (line 3): unknown key; did you mean bind?");
    }

    @Test
    void bind_duplicateName_isAProblemAtTheSecond() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:8080
                  - name: public
                    bind: 127.0.0.1:8081
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].name (line 4): duplicate name \"public\"; already used at"
                                + " listeners[0].name (line 2)");
    }

    @Test
    void bind_samePortOnWildcardAndOneAddress_isAProblemAtTheSecond() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8080
                  - name: local
                    bind: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"127.0.0.1:8080\" overlaps"
                                + " \"0.0.0.0:8080\"");
    }

    @Test
    void bind_samePortOnIpv6Wildcard_isAProblem() {
        String yaml =
                """
                listeners:
                  - name: local
                    bind: 127.0.0.1:8080
                  - name: public
                    bind: "[::]:8080"
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"[::]:8080\" overlaps"
                                + " \"127.0.0.1:8080\"");
    }

    @Test
    void bind_sameAddressWrittenDifferently_isAProblem() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: "[::1]:8080"
                  - name: two
                    bind: "[0:0:0:0:0:0:0:1]:8080"
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .singleElement()
                .asString()
                .startsWith("listeners[1].bind (line 5): port 8080 is already taken by");
    }

    @Test
    void bind_samePortOnDifferentAddresses_isValid() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: 127.0.0.1:8080
                  - name: two
                    bind: 10.0.0.1:8080
                """;

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners()).hasSize(2);
    }

    @Test
    void bind_portZeroTwice_isValid() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: 0.0.0.0:0
                  - name: two
                    bind: 0.0.0.0:0
                """;

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners()).hasSize(2);
    }
}
