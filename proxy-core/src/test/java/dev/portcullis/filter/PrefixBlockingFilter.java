package dev.portcullis.filter;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A test filter that answers 403 to every request whose path starts with a prefix. */
final class PrefixBlockingFilter implements Filter {

    static final String NAME = "prefix_block";
    static final Response FORBIDDEN =
            Response.text(HttpResponseStatus.FORBIDDEN, "Forbidden by the prefix filter\n");

    private final String prefix;

    PrefixBlockingFilter(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        return exchange.path().startsWith(prefix) ? Verdict.respond(FORBIDDEN) : Verdict.proceed();
    }
}
