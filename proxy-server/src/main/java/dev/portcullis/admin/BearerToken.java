package dev.portcullis.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code Authorization: Bearer <token>} of requests to endpoints that change state. The
 * comparison takes the same time wherever the first difference is, so the token cannot be guessed
 * byte by byte from response times.
 */
final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final byte @Nullable [] expected;

    /**
     * @param token the configured token, or null/empty when none is configured
     */
    BearerToken(@Nullable String token) {
        this.expected =
                token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a token is configured at all. */
    boolean required() {
        return expected != null;
    }

    /** Whether the request may use a state-changing endpoint. */
    boolean accepts(HttpRequest request) {
        byte[] wanted = expected;
        if (wanted == null) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(wanted, given);
    }
}
