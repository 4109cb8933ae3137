package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for what an HTTP health check sends and accepts: its path, Host and statuses. */
final class HealthCheckValues {

    /**
     * The statuses that pass a check, from {@code from} to {@code to} inclusive.
     *
     * @param from 100 to 599
     * @param to {@code from} to 599
     */
    record StatusRange(int from, int to) {}

    private static final Pattern STATUS_RANGE = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
    private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
    private static final int MIN_STATUS = 100;
    private static final int MAX_STATUS = 599;

    private HealthCheckValues() {}

    /**
     * The path and query the check requests: starts with {@code /} and holds only visible ASCII,
     * since it is written into the request line as it is.
     */
    static ValueParser<String> path() {
        return text -> {
            if (!text.startsWith("/")) {
                throw new IllegalArgumentException(
                        "a health check path must start with \"/\": " + quote(text));
            }
            // A space or CR/LF would let the configuration write a second request line.
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new IllegalArgumentException(
                            "a health check path must not contain spaces, control or non-ASCII"
                                    + " characters: "
                                    + quote(text));
                }
            }
            return text;
        };
    }

    /**
     * The {@code Host} the check sends: a host name or IP address with an optional port ({@code
     * app.internal}, {@code 10.0.0.1:8080}, {@code [::1]:8080}).
     */
    static ValueParser<String> host() {
        return text -> {
            if (!AUTHORITY.matcher(text).matches()) {
                throw new IllegalArgumentException(
                        "a Host header must be a host name or address with an optional port"
                                + " (letters, digits, '.', '-', '_', ':' and brackets): "
                                + quote(text));
            }
            return text;
        };
    }

    /** One status ({@code 204}) or a range ({@code 200-399}), within 100 to 599. */
    static ValueParser<StatusRange> statusRange() {
        return text -> {
            Matcher matcher = STATUS_RANGE.matcher(text);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(
                        "not a status or a range of statuses (e.g. 200-399 or 204): "
                                + quote(text));
            }
            int from = Integer.parseInt(matcher.group(1));
            String end = matcher.group(2);
            int to = end == null ? from : Integer.parseInt(end);
            if (from < MIN_STATUS || to > MAX_STATUS) {
                throw new IllegalArgumentException(
                        "statuses must be from 100 to 599: " + quote(text));
            }
            if (to < from) {
                throw new IllegalArgumentException(
                        "a status range must not end below its start: " + quote(text));
            }
            return new StatusRange(from, to);
        };
    }
}
