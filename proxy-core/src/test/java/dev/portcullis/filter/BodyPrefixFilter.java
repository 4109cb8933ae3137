package dev.portcullis.filter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test filter that looks at the first bytes of every POST body, keeps a copy of what it was
 * shown, and answers 403 when they contain a forbidden word.
 */
final class BodyPrefixFilter implements Filter {

    static final String NAME = "body_prefix";
    static final Response FORBIDDEN =
            Response.text(HttpResponseStatus.FORBIDDEN, "Forbidden by the body filter\n");

    /** What one call of {@link #onRequestBody} was shown. */
    record Seen(byte[] prefix, boolean complete) {}

    private final int limit;
    private final String forbidden;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    BodyPrefixFilter(int limit, String forbidden) {
        this.limit = limit;
        this.forbidden = forbidden;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        return exchange.request().method() == HttpMethod.POST
                ? Verdict.inspectBody(limit)
                : Verdict.proceed();
    }

    @Override
    public Verdict onRequestBody(Exchange exchange, ByteBuf prefix, boolean complete) {
        byte[] copy = ByteBufUtil.getBytes(prefix);
        seen.add(new Seen(copy, complete));
        String text = new String(copy, StandardCharsets.ISO_8859_1);
        return text.contains(forbidden) ? Verdict.respond(FORBIDDEN) : Verdict.proceed();
    }

    List<Seen> seen() {
        return seen;
    }
}
