package dev.portcullis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A plain socket that speaks HTTP/1.1 by hand, for what an HTTP client hides: pipelining, bodies
 * that must not be there, the server closing the connection. Reads time out after ten seconds.
 */
public final class RawHttpConnection implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawHttpConnection open(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return new RawHttpConnection(socket);
    }

    /** Sends the text as it is, in ISO-8859-1, as HTTP header bytes are. */
    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads one response: its head, then as many body bytes as {@code Content-Length} says, or none
     * when {@code bodiless} (the answer to HEAD).
     */
    public Response readResponse(boolean bodiless) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("the connection closed before a response arrived");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, unused -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        List<String> length = headers.get("content-length");
        if (!bodiless && length != null) {
            body = in.readNBytes(Integer.parseInt(length.get(0)));
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Waits, at most the read timeout, for the server to close the connection; returns whether it
     * did without sending anything more.
     */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private @Nullable String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response as read off the wire; header names are lower-cased, the body is UTF-8. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        /** The first value of the header, or {@code null}. */
        public @Nullable String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }
}
