package dev.portcullis.server.h1;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the decoder refused a request. Every rejection is answered with its status and the connection
 * is closed, because after a framing error nobody can tell where the next request would start.
 */
public enum RequestRejection {
    REQUEST_LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, Kind.LIMIT),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Kind.LIMIT),
    TOO_MANY_HEADERS(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Kind.LIMIT),
    BAD_REQUEST_LINE(HttpResponseStatus.BAD_REQUEST, Kind.MALFORMED),
    BAD_METHOD(HttpResponseStatus.BAD_REQUEST, Kind.MALFORMED),
    BAD_TARGET(HttpResponseStatus.BAD_REQUEST, Kind.MALFORMED),
    UNSUPPORTED_VERSION(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, Kind.MALFORMED),
    CONNECT_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED, Kind.MALFORMED),
    BARE_LF(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BARE_CR(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    OBS_FOLD(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_HEADER_NAME(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    SPACE_BEFORE_COLON(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_HEADER_VALUE(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    SEVERAL_CONTENT_LENGTHS(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_CONTENT_LENGTH(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    SEVERAL_TRANSFER_ENCODINGS(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    CHUNKED_NOT_FINAL(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    UNSUPPORTED_TRANSFER_CODING(HttpResponseStatus.NOT_IMPLEMENTED, Kind.SMUGGLING),
    TRANSFER_ENCODING_IN_HTTP_1_0(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    MISSING_HOST(HttpResponseStatus.BAD_REQUEST, Kind.MALFORMED),
    SEVERAL_HOSTS(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_HOST(HttpResponseStatus.BAD_REQUEST, Kind.MALFORMED),
    HOST_MISMATCH(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_CHUNK_SIZE(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_CHUNK_EXTENSION(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    BAD_CHUNK_TERMINATOR(HttpResponseStatus.BAD_REQUEST, Kind.SMUGGLING),
    TRAILERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Kind.LIMIT);

    /** The family a rejection is counted under in {@code portcullis_blocked_total{reason}}. */
    public enum Kind {
        /** Input that could be read two ways, the raw material of request smuggling. */
        SMUGGLING,
        /** A size or count limit. */
        LIMIT,
        /** Plainly broken input. */
        MALFORMED
    }

    private final HttpResponseStatus status;
    private final Kind kind;

    RequestRejection(HttpResponseStatus status, Kind kind) {
        this.status = status;
        this.kind = kind;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public Kind kind() {
        return kind;
    }
}
