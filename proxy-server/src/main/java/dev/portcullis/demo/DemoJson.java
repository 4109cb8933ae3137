package dev.portcullis.demo;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON bodies of the demo backend, written straight into buffers with Jackson's generator. */
final class DemoJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private DemoJson() {}

    /**
     * Describes a request as it arrived: method, raw path and query, headers grouped by lower-case
     * name in arrival order, and the number of body bytes read.
     */
    static ByteBuf echo(
            ByteBufAllocator alloc, String backend, HttpRequest request, long bodyLength) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, List<String>> headers = grouped(request.headers());
        return write(
                alloc,
                json -> {
                    json.writeStringField("backend", backend);
                    json.writeStringField("method", request.method().name());
                    json.writeStringField("path", uri.rawPath());
                    json.writeStringField("query", uri.rawQuery());
                    json.writeObjectFieldStart("headers");
                    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                        json.writeArrayFieldStart(header.getKey());
                        for (String value : header.getValue()) {
                            json.writeString(value);
                        }
                        json.writeEndArray();
                    }
                    json.writeEndObject();
                    json.writeNumberField("body_length", bodyLength);
                });
    }

    /** {@code {"backend": backend, name: value}}. */
    static ByteBuf number(ByteBufAllocator alloc, String backend, String name, long value) {
        return write(
                alloc,
                json -> {
                    json.writeStringField("backend", backend);
                    json.writeNumberField(name, value);
                });
    }

    /** {@code {"error": message}}. */
    static ByteBuf error(ByteBufAllocator alloc, String message) {
        return write(alloc, json -> json.writeStringField("error", message));
    }

    private static Map<String, List<String>> grouped(HttpHeaders headers) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, String>> it = headers.iteratorAsString(); it.hasNext(); ) {
            Map.Entry<String, String> header = it.next();
            String name = header.getKey().toLowerCase(Locale.ROOT);
            grouped.computeIfAbsent(name, unused -> new ArrayList<>()).add(header.getValue());
        }
        return grouped;
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static ByteBuf write(ByteBufAllocator alloc, Fields fields) {
        ByteBuf buffer = alloc.buffer(256);
        boolean complete = false;
        try {
            OutputStream out = new ByteBufOutputStream(buffer);
            try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
                json.writeStartObject();
                fields.write(json);
                json.writeEndObject();
            }
            complete = true;
            return buffer;
        } catch (IOException e) {
            // A buffer never refuses bytes, so this means the generator itself is broken.
            throw new UncheckedIOException("a JSON body could not be written", e);
        } finally {
            if (!complete) {
                buffer.release();
            }
        }
    }
}
