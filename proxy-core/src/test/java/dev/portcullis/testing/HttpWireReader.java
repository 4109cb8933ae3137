package dev.portcullis.testing;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads HTTP/1.1 messages from a blocking stream, strictly: every line must end in CRLF, and a
 * message that is cut short is an {@link EOFException}. Tests use it on both sides of the proxy, so
 * that a framing mistake of the proxy shows up as a parse failure rather than being repaired.
 */
final class HttpWireReader {

    /** The start line and header fields of a message. */
    record Head(String startLine, HttpHeaders headers) {}

    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;

    HttpWireReader(InputStream in) {
        this.in = in;
    }

    /** Reads a start line and its header fields; returns null when the stream ends first. */
    @Nullable Head readHead() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        String startLine = readLine(first);
        HttpHeaders headers =
                DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        while (true) {
            String line = readLine(readByte());
            if (line.isEmpty()) {
                return new Head(startLine, headers);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header field: " + line);
            }
            headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
    }

    /** Reads a body of a known length. */
    byte[] readFixed(long length) throws IOException {
        byte[] body = new byte[Math.toIntExact(length)];
        int done = 0;
        while (done < body.length) {
            int read = in.read(body, done, body.length - done);
            if (read < 0) {
                throw new EOFException("body ended after " + done + " of " + length + " bytes");
            }
            done += read;
        }
        return body;
    }

    /** Reads a chunked body up to and including its last chunk and the empty trailer section. */
    byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(readByte());
            int extension = sizeLine.indexOf(';');
            String digits = extension < 0 ? sizeLine : sizeLine.substring(0, extension);
            int size = Integer.parseInt(digits.strip(), 16);
            if (size == 0) {
                break;
            }
            body.writeBytes(readFixed(size));
            String terminator = readLine(readByte());
            if (!terminator.isEmpty()) {
                throw new IOException("chunk data not followed by CRLF: " + terminator);
            }
        }
        while (!readLine(readByte()).isEmpty()) {
            // Trailer fields are read past; no test needs them.
        }
        return body.toByteArray();
    }

    /** Reads everything until the peer closes. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Reads the body that a request head announces (RFC 9112 §6.3: none unless framed). */
    byte[] readRequestBody(HttpHeaders headers) throws IOException {
        if (isChunked(headers)) {
            return readChunked();
        }
        String length = headers.get("content-length");
        return length == null ? new byte[0] : readFixed(Long.parseLong(length));
    }

    static boolean isChunked(HttpHeaders headers) {
        String codings = headers.get("transfer-encoding");
        return codings != null && codings.toLowerCase(Locale.ROOT).strip().endsWith("chunked");
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a message head");
        }
        return b;
    }

    private String readLine(int first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b = first;
        while (b != '\r') {
            if (b == '\n') {
                throw new IOException("bare LF after: " + ascii(line));
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            b = readByte();
        }
        if (readByte() != '\n') {
            throw new IOException("bare CR after: " + ascii(line));
        }
        return ascii(line);
    }

    private static String ascii(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
