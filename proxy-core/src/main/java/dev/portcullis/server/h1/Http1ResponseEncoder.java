package dev.portcullis.server.h1;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Encodes responses to an HTTP/1.1 client. Told by the connection whether the response answers a
 * {@code HEAD}, so that it keeps the headers of the corresponding {@code GET} (its {@code
 * Content-Length} or chunked coding) but writes no body, not even a last chunk.
 */
public final class Http1ResponseEncoder extends HttpResponseEncoder {

    private boolean headRequest;

    /** Declares whether the next response head answers a {@code HEAD} request. */
    public void answeringHead(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
        if (headRequest && response.status().code() >= 200) {
            return true;
        }
        return super.isContentAlwaysEmpty(response);
    }

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse response, boolean isAlwaysEmpty) {
        if (headRequest && response.status().code() >= 200) {
            // A HEAD response keeps its framing headers: they describe the GET it mirrors.
            return;
        }
        super.sanitizeHeadersBeforeEncode(response, isAlwaysEmpty);
    }

    /** Whether a response with this status to this request method can carry a body. */
    public static boolean mayHaveBody(boolean head, HttpResponseStatus status) {
        int code = status.code();
        return !head && code >= 200 && code != 204 && code != 304;
    }
}
