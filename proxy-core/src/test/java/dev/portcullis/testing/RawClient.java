package dev.portcullis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 client on a plain socket, for tests that need control an HTTP library does not give:
 * exact bytes on the wire, reading slowly or not at all, binding to another local address, and
 * seeing exactly where a response ends. Every read is bounded by the socket timeout.
 */
public final class RawClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A response head as it came off the wire; header names in lower case. */
    public record Head(int status, Map<String, String> headers) {

        public @Nullable String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean chunked() {
            String coding = header("transfer-encoding");
            return coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** The declared Content-Length, or -1. */
        public long contentLength() {
            String length = header("content-length");
            return length == null ? -1 : Long.parseLong(length.trim());
        }
    }

    /**
     * What a body read found.
     *
     * @param bytes body bytes read (chunk data only, for a chunked body)
     * @param complete whether the body ended as its framing says (all of Content-Length, or the
     *     last chunk) rather than by the connection closing early
     */
    public record Body(long bytes, boolean complete) {}

    /** Sees the body as it arrives. */
    @FunctionalInterface
    public interface BodySink {
        /**
         * @param offset position of {@code data[from]} in the body
         */
        void accept(long offset, byte[] data, int from, int length);
    }

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to the address from the default local address. */
    public static RawClient connect(InetSocketAddress target) throws IOException {
        return connect(target, null, 0);
    }

    /**
     * Connects to the address.
     *
     * @param local the local address to bind to, or null for the default
     * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the default; a small one
     *     makes a client that stops reading stall its sender soon
     */
    public static RawClient connect(
            InetSocketAddress target, @Nullable InetAddress local, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(target, TIMEOUT_MILLIS);
        return new RawClient(socket);
    }

    public Socket socket() {
        return socket;
    }

    public void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a GET for the path with {@code Host: localhost}. */
    public void get(String path) throws IOException {
        write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    /** Reads a response head, up to its empty line. */
    public Head readHead() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(parts[1]), headers);
    }

    /** Reads a whole response whose body is small, as text. */
    public String readBodyText(Head head) throws IOException {
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        readBody(head, (offset, data, from, length) -> collected.write(data, from, length));
        return collected.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads the body the head announces, by Content-Length or chunks, handing each part to the
     * sink; stops early, without failing, if the connection closes first.
     */
    public Body readBody(Head head, BodySink sink) throws IOException {
        if (head.chunked()) {
            return readChunked(sink);
        }
        long length = head.contentLength();
        if (length < 0) {
            throw new IOException("response without framing; use readUntilClosed");
        }
        long read = readFixed(length, sink);
        return new Body(read, read == length);
    }

    /** Reads at most {@code length} bytes; returns fewer only when the connection closed. */
    public long readFixed(long length, BodySink sink) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (read < length) {
            int n = readSome(buffer, (int) Math.min(buffer.length, length - read));
            if (n < 0) {
                return read;
            }
            sink.accept(read, buffer, 0, n);
            read += n;
        }
        return read;
    }

    private Body readChunked(BodySink sink) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            String sizeLine;
            try {
                sizeLine = readLine();
            } catch (EOFException e) {
                return new Body(total, false);
            }
            int semicolon = sizeLine.indexOf(';');
            long size =
                    Long.parseLong(
                            (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(),
                            16);
            if (size == 0) {
                try {
                    while (!readLine().isEmpty()) {
                        // Trailer fields are not looked at.
                    }
                } catch (EOFException e) {
                    return new Body(total, false);
                }
                return new Body(total, true);
            }
            long remaining = size;
            while (remaining > 0) {
                int n = readSome(buffer, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    return new Body(total, false);
                }
                sink.accept(total, buffer, 0, n);
                total += n;
                remaining -= n;
            }
            try {
                if (!readLine().isEmpty()) {
                    throw new IOException("chunk data not followed by CRLF");
                }
            } catch (EOFException e) {
                return new Body(total, false);
            }
        }
    }

    /**
     * Whether the peer closes the connection without sending anything: true on end of stream or a
     * reset, false when a byte arrives. Fails when neither happens within the socket timeout.
     */
    public boolean closedWithoutData() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Reads until the peer closes, returning every byte. */
    public byte[] readUntilClosed() throws IOException {
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = readSome(buffer, buffer.length)) >= 0) {
            collected.write(buffer, 0, n);
        }
        return collected.toByteArray();
    }

    private int readSome(byte[] buffer, int max) throws IOException {
        try {
            return in.read(buffer, 0, max);
        } catch (SocketException reset) {
            // A reset after a truncated body is the same news as an end of stream.
            return -1;
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketException reset) {
                b = -1;
            }
            if (b < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
