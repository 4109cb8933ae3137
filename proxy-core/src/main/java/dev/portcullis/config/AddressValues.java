package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsers for where to listen ({@code host:port}) and where backends are (their URLs). */
final class AddressValues {

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern USER_INFO =
            Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

    private AddressValues() {}

    /**
     * {@code host:port}, the host an IPv4 address, an IPv6 address in brackets or {@code
     * localhost}, the port 0 to 65535. Names other than {@code localhost} are refused so that
     * binding never waits on DNS. Addresses are kept in canonical form ({@code [0:0::0]} becomes
     * {@code ::}), so equal addresses compare equal.
     */
    static ValueParser<BindAddress> bind() {
        return AddressValues::parseBind;
    }

    private static BindAddress parseBind(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw notHostAndPort(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException(
                        "not an IPv6 address between the brackets: " + quote(text));
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw notHostAndPort(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "an IPv6 address must be written in brackets, e.g. [::]:8080: "
                                + quote(text));
            }
            if (!host.equalsIgnoreCase("localhost") && !NetUtil.isValidIpV4Address(host)) {
                throw new IllegalArgumentException(
                        "the host must be an IP address or localhost (names are not looked up): "
                                + quote(text));
            }
        }
        return new BindAddress(canonicalHost(host), parsePort(port, 0, text));
    }

    private static IllegalArgumentException notHostAndPort(String text) {
        return new IllegalArgumentException(
                "not host:port (an IP address, [IPv6 address] or localhost, then a port), e.g."
                        + " 0.0.0.0:8080: "
                        + quote(text));
    }

    private static String canonicalHost(String host) {
        // A zone id (fe80::1%eth0) names an interface; keep such an address exactly as written.
        if (host.equalsIgnoreCase("localhost")) {
            return "localhost";
        }
        if (host.indexOf('%') >= 0) {
            return host;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        return address == null ? host : NetUtil.bytesToIpAddress(address);
    }

    private static int parsePort(String port, int min, String text) {
        int value = PORT.matcher(port).matches() ? Integer.parseInt(port) : -1;
        if (value < min || value > 65535) {
            throw new IllegalArgumentException(
                    "the port must be a number from " + min + " to 65535: " + quote(text));
        }
        return value;
    }

    /**
     * A backend's base URL: {@code http} or {@code https}, a host, an optional port from 1 to
     * 65535, and nothing else (no user info, no path but {@code /}, no query or fragment). The
     * result is normalised to lower-case scheme and host without a trailing {@code /}.
     */
    static ValueParser<URI> backendUrl() {
        return AddressValues::parseBackendUrl;
    }

    private static URI parseBackendUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw badUrl("not a URL", text);
        }
        String scheme = url.getScheme();
        if (scheme == null
                || url.isOpaque()
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw badUrl("not an http or https URL", text);
        }
        String authority = url.getRawAuthority();
        if (url.getRawUserInfo() != null || (authority != null && authority.indexOf('@') >= 0)) {
            throw badUrl("a backend URL must not contain user info", text);
        }
        String host = url.getHost();
        if (host == null) {
            throw badUrl(
                    authority == null
                            ? "a backend URL needs a host"
                            : "not a valid host name in a backend URL (letters, digits, '-' and"
                                    + " '.')",
                    text);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw badUrl("a backend URL must not have a query or fragment", text);
        }
        String path = url.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw badUrl("a backend URL must not have a path other than \"/\"", text);
        }
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            throw badUrl("the port of a backend URL must be from 1 to 65535", text);
        }
        return normalised(scheme, host, url.getPort());
    }

    private static URI normalised(String scheme, String host, int port) {
        try {
            return new URI(
                    scheme.toLowerCase(Locale.ROOT),
                    null,
                    host.toLowerCase(Locale.ROOT),
                    port,
                    null,
                    null,
                    null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("a checked backend URL did not rebuild", e);
        }
    }

    // User info may hold a password; it is never repeated in a message.
    private static IllegalArgumentException badUrl(String rule, String text) {
        String shown = USER_INFO.matcher(text).replaceFirst("$1***@");
        return new IllegalArgumentException(rule + ": " + quote(shown));
    }
}
