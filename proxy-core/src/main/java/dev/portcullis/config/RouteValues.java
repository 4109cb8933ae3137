package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import java.util.Locale;
import java.util.regex.Pattern;

/** Parsers for what a route matches: its host and its path prefix. */
final class RouteValues {

    /** The host written for "any host"; it is stored as {@code null}. */
    static final String ANY_HOST = "*";

    private static final String LABEL = "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?";
    private static final Pattern HOST_NAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final int MAX_HOST_LENGTH = 253;
    private static final String WILDCARD_PREFIX = "*.";

    private RouteValues() {}

    /**
     * An exact host ({@code app.example.com}), a wildcard over its sub-domains ({@code
     * *.example.com}) or {@link #ANY_HOST}; returned in lower case. A port, an empty label or any
     * character outside letters, digits, {@code -} and {@code _} is refused.
     */
    static ValueParser<String> host() {
        return text -> {
            String host = text.toLowerCase(Locale.ROOT);
            if (host.equals(ANY_HOST)) {
                return ANY_HOST;
            }
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                throw new IllegalArgumentException(
                        "a route host must not include a port: " + quote(text));
            }
            String name = host.startsWith(WILDCARD_PREFIX) ? host.substring(2) : host;
            if (name.indexOf('*') >= 0) {
                throw new IllegalArgumentException(
                        "a wildcard host is written *.example.com and matches sub-domains only: "
                                + quote(text));
            }
            if (name.length() > MAX_HOST_LENGTH || !HOST_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "not a host name (dot-separated labels of letters, digits, '-' and '_'): "
                                + quote(text));
            }
            return host;
        };
    }

    /**
     * A path prefix: starts with {@code /} and holds only visible ASCII without {@code ?} or {@code
     * #}, since a request path is matched before its query and never carries a fragment.
     */
    static ValueParser<String> pathPrefix() {
        return text -> {
            if (!text.startsWith("/")) {
                throw new IllegalArgumentException(
                        "a path prefix must start with \"/\": " + quote(text));
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') {
                    throw new IllegalArgumentException(
                            "a path prefix must not contain '?', '#', spaces, control or non-ASCII"
                                    + " characters: "
                                    + quote(text));
                }
            }
            return text;
        };
    }
}
