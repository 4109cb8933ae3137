package dev.portcullis.server;

import dev.portcullis.server.h1.RequestRejection;

/** Passed to the stream's exchange handler instead of an HTTP/2 request that broke a rule. */
record RejectedStreamRequest(RequestRejection rejection) {}
