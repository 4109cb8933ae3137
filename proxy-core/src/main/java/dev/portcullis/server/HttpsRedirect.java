package dev.portcullis.server;

import dev.portcullis.filter.Response;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The answer of a plain listener with {@code redirect_https: true}: {@code 308 Permanent Redirect}
 * to the same host, path and query on the TLS port. 308 keeps the method and body, so a POST is
 * repeated as a POST over TLS.
 */
final class HttpsRedirect {

    private HttpsRedirect() {}

    /**
     * @param host the request's normalised host (validated by the decoder)
     * @param uri the request target in origin form, or {@code *} (an {@code OPTIONS} about the
     *     server as a whole), which is sent to the root
     */
    static Response to(String host, int port, String uri) {
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        String path = uri.startsWith("/") ? uri : "/";
        String location = "https://" + authority + (port == 443 ? "" : ":" + port) + path;
        return Response.text(HttpResponseStatus.PERMANENT_REDIRECT, "Moved to " + location + "\n")
                .withHeader(HttpHeaderNames.LOCATION, location);
    }
}
