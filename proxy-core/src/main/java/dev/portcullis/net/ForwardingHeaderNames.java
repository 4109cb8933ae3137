package dev.portcullis.net;

import io.netty.util.AsciiString;

/**
 * The header names through which proxies tell a backend about the client. Shared instances, so
 * decoded names can be compared by identity.
 */
public final class ForwardingHeaderNames {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    public static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    public static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

    private ForwardingHeaderNames() {}
}
