package dev.portcullis.server.h1;

/**
 * Passed down the pipeline by {@link Http1RequestDecoder} instead of a request it refused. It is
 * the last message of the connection: the decoder discards everything after it.
 *
 * @param rejection what was wrong
 */
public record RejectedRequest(RequestRejection rejection) {}
