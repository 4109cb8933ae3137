package dev.portcullis.server.h1;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * A request as {@link Http1RequestDecoder} decoded it: an ordinary {@link DefaultHttpRequest} that
 * also keeps the validated {@code Host} value in its decoded form, so that the connection need not
 * look it up and convert it again.
 */
public final class DecodedRequest extends DefaultHttpRequest {

    private final AsciiString host;

    DecodedRequest(
            HttpVersion version,
            HttpMethod method,
            String uri,
            HttpHeaders headers,
            AsciiString host) {
        super(version, method, uri, headers);
        this.host = host;
    }

    /**
     * A decoded request made elsewhere than by the decoder (tests, benchmarks); {@code host} must
     * be the request's one, already validated {@code Host} value.
     */
    public static DecodedRequest of(
            HttpVersion version,
            HttpMethod method,
            String uri,
            HttpHeaders headers,
            AsciiString host) {
        return new DecodedRequest(version, method, uri, headers, host);
    }

    /** The one, valid {@code Host} value of the request. */
    public AsciiString host() {
        return host;
    }
}
