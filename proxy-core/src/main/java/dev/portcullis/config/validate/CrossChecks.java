package dev.portcullis.config.validate;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Rules that compare entries of the configuration with each other. Each reports a problem at the
 * later entry of a clashing pair and names the earlier one, so the operator sees both places.
 */
public final class CrossChecks {

    private CrossChecks() {}

    /** Names in one list (listeners, upstreams, routes) must differ. */
    public static void uniqueNames(List<Located<String>> names, Problems problems) {
        reportRepeats(
                names,
                (name, first) ->
                        "duplicate name "
                                + quote(name.value())
                                + "; already used at "
                                + first.where(),
                problems);
    }

    /**
     * Backends of one upstream must differ in {@code host:port}; the same server listed twice would
     * get twice its share and be counted as two in health and metrics.
     */
    public static void uniqueBackends(List<Located<String>> authorities, Problems problems) {
        reportRepeats(
                authorities,
                (backend, first) ->
                        "duplicate backend "
                                + quote(backend.value())
                                + "; already listed at "
                                + first.where(),
                problems);
    }

    /**
     * No two routes may match the same host and path prefix, since the later one could never be
     * chosen. Each value is the route's match rendered for a message, such as {@code host "*" and
     * path_prefix "/"}; equal renderings are equal matches.
     */
    public static void uniqueRouteMatches(List<Located<String>> matches, Problems problems) {
        reportRepeats(
                matches,
                (match, first) ->
                        "same "
                                + match.value()
                                + " as "
                                + first.where()
                                + "; this route could never be chosen",
                problems);
    }

    /**
     * A reference must name something that exists; the problem lists the known names, nearest to
     * the reference first.
     *
     * @param kind what is referred to, in the singular ({@code upstream})
     */
    public static void knownReference(
            Located<String> reference, String kind, Collection<String> known, Problems problems) {
        if (known.contains(reference.value())) {
            return;
        }
        String message = "unknown " + kind + " " + quote(reference.value());
        if (known.isEmpty()) {
            message += "; no " + kind + " is configured";
        } else {
            message +=
                    "; known "
                            + kind
                            + "s: "
                            + String.join(
                                    ", ", NearestMatch.rankedByDistance(reference.value(), known));
        }
        problems.add(reference.path(), reference.line(), message);
    }

    /**
     * Sockets must not share a port on overlapping addresses (see {@link Endpoint#clashesWith});
     * the process would fail to bind the second one at start.
     */
    public static void noSharedPorts(List<Located<Endpoint>> binds, Problems problems) {
        Map<Integer, List<Located<Endpoint>>> earlierByPort = new HashMap<>();
        for (Located<Endpoint> bind : binds) {
            List<Located<Endpoint>> samePort =
                    earlierByPort.computeIfAbsent(bind.value().port(), port -> new ArrayList<>());
            for (Located<Endpoint> earlier : samePort) {
                if (bind.value().clashesWith(earlier.value())) {
                    problems.add(bind.path(), bind.line(), portClash(bind, earlier));
                    break;
                }
            }
            samePort.add(bind);
        }
    }

    /**
     * A plain listener with {@code redirect_https} sends every client to the port of the first TLS
     * listener, so there must be one.
     *
     * @param redirects where {@code redirect_https: true} is written on a plain listener
     * @param anyTlsListener whether any listener has a {@code tls} section
     */
    public static void httpsRedirectTargets(
            List<Located<Boolean>> redirects, boolean anyTlsListener, Problems problems) {
        if (anyTlsListener) {
            return;
        }
        for (Located<Boolean> redirect : redirects) {
            problems.add(
                    redirect.path(),
                    redirect.line(),
                    "no TLS listener to redirect to; give a listener a tls section, or leave"
                            + " redirect_https out");
        }
    }

    /**
     * An admin listener that other hosts can reach must require {@code admin.token} for its
     * endpoints that change state; on a loopback address only local processes reach it.
     *
     * @param bind where the admin listener binds
     * @param tokenWritten whether a token is given (or given and refused, which is its own problem)
     */
    public static void adminTokenOutsideLoopback(
            Located<Endpoint> bind, boolean tokenWritten, Problems problems) {
        if (tokenWritten || bind.value().isLoopback()) {
            return;
        }
        problems.add(
                bind.path(),
                bind.line(),
                "an admin listener outside loopback needs admin.token: "
                        + quote(bind.value().toString()));
    }

    private static String portClash(Located<Endpoint> second, Located<Endpoint> first) {
        return "port "
                + second.value().port()
                + " is already taken by "
                + first.where()
                + ": "
                + quote(second.value().toString())
                + " overlaps "
                + quote(first.value().toString());
    }

    private static void reportRepeats(
            List<Located<String>> values,
            BiFunction<Located<String>, Located<String>, String> message,
            Problems problems) {
        Map<String, Located<String>> firstSeen = new HashMap<>();
        for (Located<String> value : values) {
            Located<String> first = firstSeen.putIfAbsent(value.value(), value);
            if (first != null) {
                problems.add(value.path(), value.line(), message.apply(value, first));
            }
        }
    }
}
