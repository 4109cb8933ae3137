package dev.portcullis.testing;

import dev.portcullis.server.h1.Http1RequestDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The requests and the response the benchmarks send, as wire bytes, and decoded the way the proxy
 * decodes them.
 */
public final class BenchmarkRequests {

    /** A browser's GET of a page: 10 header fields, 492 bytes. */
    public static final String BROWSER_GET =
            "GET /products/shoes?page=2&sort=price HTTP/1.1\r\n"
                    + "Host: shop.example.com\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"
                    + " Firefox/128.0\r\n"
                    + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                    + "Accept-Language: en-GB,en;q=0.5\r\n"
                    + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
                    + "Referer: https://shop.example.com/products\r\n"
                    + "Connection: keep-alive\r\n"
                    + "Cookie: session=3f9a1c2e7b4d4e8f9a0b1c2d3e4f5a6b; theme=dark\r\n"
                    + "Upgrade-Insecure-Requests: 1\r\n"
                    + "Sec-Fetch-Mode: navigate\r\n"
                    + "\r\n";

    private static final String ORDER = "{\"item\":1234,\"quantity\":2}";

    /** A small JSON POST with {@code Content-Length}. */
    public static final String SMALL_POST =
            "POST /api/v2/orders HTTP/1.1\r\n"
                    + "Host: shop.example.com\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"
                    + " Firefox/128.0\r\n"
                    + "Accept: application/json\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: "
                    + ORDER.length()
                    + "\r\n"
                    + "Connection: keep-alive\r\n"
                    + "\r\n"
                    + ORDER;

    /** The same POST with its body in two chunks and an empty trailer section. */
    public static final String CHUNKED_POST =
            "POST /api/v2/orders HTTP/1.1\r\n"
                    + "Host: shop.example.com\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"
                    + " Firefox/128.0\r\n"
                    + "Accept: application/json\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Connection: keep-alive\r\n"
                    + "\r\n"
                    + "d\r\n"
                    + ORDER.substring(0, 13)
                    + "\r\n"
                    + Integer.toHexString(ORDER.length() - 13)
                    + "\r\n"
                    + ORDER.substring(13)
                    + "\r\n"
                    + "0\r\n"
                    + "\r\n";

    /** What an nginx origin answers for a 100-byte page, keep-alive. */
    public static final String SMALL_RESPONSE =
            "HTTP/1.1 200 OK\r\n"
                    + "Server: nginx/1.22.1\r\n"
                    + "Date: Thu, 03 Dec 2026 22:04:00 GMT\r\n"
                    + "Content-Type: text/html\r\n"
                    + "Content-Length: 100\r\n"
                    + "Connection: keep-alive\r\n"
                    + "\r\n"
                    + "x".repeat(100);

    private BenchmarkRequests() {}

    /** The request with header fields added at the end of its head, each given as one line. */
    public static String withFields(String wire, String... fields) {
        int headEnd = wire.indexOf("\r\n\r\n") + 2;
        StringBuilder added = new StringBuilder(wire.substring(0, headEnd));
        for (String field : fields) {
            added.append(field).append("\r\n");
        }
        return added.append(wire.substring(headEnd)).toString();
    }

    public static byte[] bytes(String wire) {
        return wire.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Decodes a body-less request with the proxy's decoder, so that its headers have exactly the
     * shape they have on the request path (shared name instances, {@code AsciiString} values).
     */
    public static HttpRequest decode(String wire) {
        EmbeddedChannel channel = new EmbeddedChannel(new Http1RequestDecoder(8192, 16384, 100));
        try {
            channel.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
            Object first = channel.readInbound();
            if (!(first instanceof HttpRequest request)) {
                ReferenceCountUtil.release(first);
                throw new IllegalStateException("not a valid request: " + first);
            }
            return request;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
