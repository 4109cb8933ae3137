package dev.portcullis.server;

/**
 * The user event that tells a client connection the proxy is shutting down: an idle HTTP/1.1
 * connection closes at once, a busy one answers its current request with {@code Connection: close}
 * and then closes, and an HTTP/2 connection sends GOAWAY and lets its open streams finish.
 */
enum ConnectionDrain {
    EVENT
}
