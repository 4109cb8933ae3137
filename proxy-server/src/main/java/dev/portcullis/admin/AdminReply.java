package dev.portcullis.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What an admin endpoint answers: a status and a small body of the given media type.
 *
 * @param contentType the full {@code Content-Type} value, charset included
 */
record AdminReply(HttpResponseStatus status, String contentType, String body) {

    static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    static AdminReply text(HttpResponseStatus status, String body) {
        return new AdminReply(status, PLAIN_TEXT, body);
    }
}
