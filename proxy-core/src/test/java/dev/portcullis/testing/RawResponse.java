package dev.portcullis.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A response as it arrived on a raw socket.
 *
 * @param version the protocol of the status line, such as {@code HTTP/1.1}
 * @param status the status code
 * @param headers the header fields in arrival order, names compared case-insensitively
 * @param body the body after removal of the chunked framing, if any
 */
public record RawResponse(String version, int status, HttpHeaders headers, byte[] body) {

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

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return version + " " + status + " " + headers.entries() + " (" + body.length + " bytes)";
    }
}
