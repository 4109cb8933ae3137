package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrossChecksTest {

    private final Problems problems = new Problems();

    @Test
    void uniqueNames_repeatedName_reportsTheLaterAndNamesTheFirst() {
        CrossChecks.uniqueNames(
                List.of(
                        new Located<>("web", "routes[0].name", 2),
                        new Located<>("api", "routes[1].name", 5),
                        new Located<>("web", "routes[2].name", 8)),
                problems);

        assertThat(printed())
                .containsExactly(
                        "routes[2].name (line 8): duplicate name \"web\"; already used at"
                                + " routes[0].name (line 2)");
    }

    @Test
    void uniqueBackends_repeatedAuthority_reportsTheLater() {
        CrossChecks.uniqueBackends(
                List.of(
                        new Located<>("127.0.0.1:3000", "u[0].backends[0].url", 4),
                        new Located<>("127.0.0.1:3000", "u[0].backends[1].url", 5)),
                problems);

        assertThat(printed())
                .containsExactly(
                        "u[0].backends[1].url (line 5): duplicate backend \"127.0.0.1:3000\";"
                                + " already listed at u[0].backends[0].url (line 4)");
    }

    @Test
    void uniqueRouteMatches_sameMatch_saysTheRouteCouldNeverBeChosen() {
        CrossChecks.uniqueRouteMatches(
                List.of(
                        new Located<>("host \"*\"", "routes[0]", 2),
                        new Located<>("host \"*\"", "routes[1]", 4)),
                problems);

        assertThat(printed())
                .containsExactly(
                        "routes[1] (line 4): same host \"*\" as routes[0] (line 2); this route"
                                + " could never be chosen");
    }

    @Test
    void knownReference_unknownName_listsKnownNamesNearestFirst() {
        CrossChecks.knownReference(
                new Located<>("ap", "routes[0].upstream", 9),
                "upstream",
                List.of("web", "app", "api"),
                problems);

        assertThat(printed())
                .containsExactly(
                        "routes[0].upstream (line 9): unknown upstream \"ap\"; known upstreams:"
                                + " api, app, web");
    }

    @Test
    void knownReference_nothingConfigured_saysSo() {
        CrossChecks.knownReference(
                new Located<>("app", "routes[0].upstream", 9), "upstream", List.of(), problems);

        assertThat(printed())
                .containsExactly(
                        "routes[0].upstream (line 9): unknown upstream \"app\"; no upstream is"
                                + " configured");
    }

    @Test
    void knownReference_knownName_reportsNothing() {
        CrossChecks.knownReference(
                new Located<>("app", "routes[0].upstream", 9),
                "upstream",
                List.of("app"),
                problems);

        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void noSharedPorts_clash_reportsTheLaterOnceAgainstTheFirstItClashesWith() {
        CrossChecks.noSharedPorts(
                List.of(
                        new Located<>(new Endpoint("0.0.0.0", 8080), "listeners[0].bind", 3),
                        new Located<>(new Endpoint("127.0.0.1", 8080), "listeners[1].bind", 5),
                        new Located<>(new Endpoint("127.0.0.1", 8081), "listeners[2].bind", 7)),
                problems);

        assertThat(printed())
                .containsExactly(
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"127.0.0.1:8080\" overlaps"
                                + " \"0.0.0.0:8080\"");
    }

    @Test
    void httpsRedirectTargets_noTlsListener_reportsEveryRedirect() {
        CrossChecks.httpsRedirectTargets(
                List.of(
                        new Located<>(true, "listeners[0].redirect_https", 4),
                        new Located<>(true, "listeners[1].redirect_https", 7)),
                false,
                problems);

        assertThat(printed())
                .containsExactly(
                        "listeners[0].redirect_https (line 4): no TLS listener to redirect to;"
                                + " give a listener a tls section, or leave redirect_https out",
                        "listeners[1].redirect_https (line 7): no TLS listener to redirect to;"
                                + " give a listener a tls section, or leave redirect_https out");
    }

    @Test
    void httpsRedirectTargets_aTlsListener_reportsNothing() {
        CrossChecks.httpsRedirectTargets(
                List.of(new Located<>(true, "listeners[0].redirect_https", 4)), true, problems);

        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void adminTokenOutsideLoopback_wildcardWithoutToken_isAProblemAtTheBind() {
        CrossChecks.adminTokenOutsideLoopback(
                new Located<>(new Endpoint("0.0.0.0", 9901), "admin.bind", 12), false, problems);

        assertThat(printed())
                .containsExactly(
                        "admin.bind (line 12): an admin listener outside loopback needs"
                                + " admin.token: \"0.0.0.0:9901\"");
    }

    @Test
    void adminTokenOutsideLoopback_withToken_reportsNothing() {
        CrossChecks.adminTokenOutsideLoopback(
                new Located<>(new Endpoint("0.0.0.0", 9901), "admin.bind", 12), true, problems);

        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void adminTokenOutsideLoopback_loopbackWithoutToken_reportsNothing() {
        CrossChecks.adminTokenOutsideLoopback(
                new Located<>(new Endpoint("::1", 9901), "admin.bind", 12), false, problems);

        assertThat(problems.isEmpty()).isTrue();
    }

    private List<String> printed() {
        return problems.sorted().stream().map(ConfigProblem::toString).toList();
    }
}
