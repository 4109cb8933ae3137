package dev.portcullis.server;

import dev.portcullis.filter.Response;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The proxy's own small error pages. They name the status and nothing else: no backend address, no
 * exception, no version.
 */
final class ErrorResponses {

    static final Response BAD_REQUEST = page(HttpResponseStatus.BAD_REQUEST, "Bad request");
    static final Response NOT_FOUND =
            page(HttpResponseStatus.NOT_FOUND, "No route for this host and path");
    static final Response METHOD_NOT_ALLOWED =
            page(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed");
    static final Response REQUEST_TIMEOUT =
            page(HttpResponseStatus.REQUEST_TIMEOUT, "Request timeout");
    static final Response PAYLOAD_TOO_LARGE =
            page(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Request body too large");
    static final Response URI_TOO_LONG =
            page(HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long");
    static final Response HEADERS_TOO_LARGE =
            page(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large");
    static final Response EXPECTATION_FAILED =
            page(HttpResponseStatus.EXPECTATION_FAILED, "Expectation not supported");
    static final Response NOT_IMPLEMENTED =
            page(HttpResponseStatus.NOT_IMPLEMENTED, "Transfer coding not supported");
    static final Response VERSION_NOT_SUPPORTED =
            page(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
    static final Response BAD_GATEWAY = page(HttpResponseStatus.BAD_GATEWAY, "Bad gateway");
    static final Response SERVICE_UNAVAILABLE =
            page(HttpResponseStatus.SERVICE_UNAVAILABLE, "No backend available")
                    .withHeader("Retry-After", "5");
    static final Response GATEWAY_TIMEOUT =
            page(HttpResponseStatus.GATEWAY_TIMEOUT, "Gateway timeout");

    private ErrorResponses() {}

    private static Response page(HttpResponseStatus status, String text) {
        return Response.text(status, status.code() + " " + text + "\n");
    }

    /** The page for a status the decoder or a limit produced. */
    static Response forStatus(HttpResponseStatus status) {
        return switch (status.code()) {
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 408 -> REQUEST_TIMEOUT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 417 -> EXPECTATION_FAILED;
            case 431 -> HEADERS_TOO_LARGE;
            case 501 -> NOT_IMPLEMENTED;
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            case 505 -> VERSION_NOT_SUPPORTED;
            default -> BAD_REQUEST;
        };
    }
}
