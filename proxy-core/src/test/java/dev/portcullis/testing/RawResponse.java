package dev.portcullis.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A response as it arrived on a raw socket, its body without the chunked framing, if any. */
public final class RawResponse {

    private final String version;
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    RawResponse(String version, int status, HttpHeaders headers, byte[] body) {
        this.version = version;
        this.status = status;
        this.headers = headers;
        this.body = body.clone();
    }

    /** The protocol of the status line, such as {@code HTTP/1.1}. */
    public String version() {
        return version;
    }

    public int status() {
        return status;
    }

    /** The header fields in arrival order; names compare case-insensitively. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of a header field, or null. */
    public @Nullable String header(String name) {
        return headers.get(name);
    }

    /** Every value of a header field, in order. */
    public List<String> headers(String name) {
        return headers.getAll(name);
    }

    /** Whether the response was framed with the chunked transfer coding. */
    public boolean isChunked() {
        return HttpWireReader.isChunked(headers);
    }

    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return version + " " + status + " " + headers.entries() + " (" + body.length + " bytes)";
    }
}
