package dev.portcullis.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One path of the admin listener: the methods it accepts and how it answers them. The handler runs
 * on the admin event loop, so it may take a few milliseconds but must never wait on I/O.
 *
 * @param methods the accepted methods, in the order the {@code Allow} header lists them
 * @param handler answers a request whose method is one of {@code methods}; for HEAD the body it
 *     returns is measured and left out
 */
record AdminEndpoint(List<HttpMethod> methods, Function<FullHttpRequest, AdminReply> handler) {

    AdminEndpoint {
        methods = List.copyOf(methods);
    }

    /** An endpoint that answers GET and HEAD, whatever the request says. */
    static AdminEndpoint get(Supplier<AdminReply> answer) {
        return new AdminEndpoint(List.of(HttpMethod.GET, HttpMethod.HEAD), request -> answer.get());
    }

    boolean allows(HttpMethod method) {
        return methods.contains(method);
    }

    /** The value of the {@code Allow} header of a 405 answer. */
    String allowHeader() {
        StringBuilder allow = new StringBuilder();
        for (HttpMethod method : methods) {
            if (allow.length() > 0) {
                allow.append(", ");
            }
            allow.append(method.name());
        }
        return allow.toString();
    }
}
