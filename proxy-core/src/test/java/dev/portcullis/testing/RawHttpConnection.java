package dev.portcullis.testing;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client connection on a plain socket that writes exactly the bytes a test gives it, so that
 * malformed and ambiguous requests reach the proxy as they are. Every read gives up after {@link
 * #READ_TIMEOUT}, so a test can never hang on a proxy that stays silent.
 *
 * <p>Writing and reading may happen on different threads (one writer, one reader).
 */
public final class RawHttpConnection implements AutoCloseable {

    /** How long a single read waits for the proxy. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final HttpWireReader reader;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
        this.reader = new HttpWireReader(in);
    }

    /** Connects to a listener on the loopback address. */
    public static RawHttpConnection open(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) READ_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RawHttpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Takes over a socket that is already connected, such as a TLS socket after its handshake;
     * reads give up after {@link #READ_TIMEOUT} as on any other connection.
     */
    public static RawHttpConnection over(Socket connected) throws IOException {
        connected.setSoTimeout((int) READ_TIMEOUT.toMillis());
        return new RawHttpConnection(connected);
    }

    /** Writes text byte for byte: each char below 256 becomes one byte, as ISO-8859-1. */
    public RawHttpConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes the bytes in one write. */
    public RawHttpConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Ends the sending direction (TCP FIN) while keeping the connection open for reading. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Reads one response, its body framed as RFC 9112 §6.3 says for a request that was not {@code
     * HEAD}. An interim (1xx) response is returned on its own; read again for the final one.
     */
    public RawResponse readResponse() throws IOException {
        return read(false);
    }

    /** Reads one response to a {@code HEAD} request: whatever its headers say, it has no body. */
    public RawResponse readHeadResponse() throws IOException {
        return read(true);
    }

    private RawResponse read(boolean headRequest) throws IOException {
        HttpWireReader.Head head = reader.readHead();
        if (head == null) {
            throw new EOFException("the connection closed before a response");
        }
        String[] parts = head.startLine().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
            throw new IOException("not a status line: " + head.startLine());
        }
        int status = Integer.parseInt(parts[1]);
        byte[] body;
        if (headRequest || status < 200 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (HttpWireReader.isChunked(head.headers())) {
            body = reader.readChunked();
        } else if (head.headers().contains("content-length")) {
            body = reader.readFixed(Long.parseLong(head.headers().get("content-length")));
        } else {
            body = reader.readToEnd();
        }
        return new RawResponse(parts[0], status, head.headers(), body);
    }

    /**
     * Waits up to {@link #READ_TIMEOUT} for the proxy to close the connection.
     *
     * @return true when the connection ended (closed or reset), false when it stayed open
     * @throws IllegalStateException when bytes arrive instead
     */
    public boolean closedByPeer() throws IOException {
        try {
            int b = in.read();
            if (b < 0) {
                return true;
            }
            throw new IllegalStateException(
                    "expected the connection to close, but more bytes came, starting with "
                            + (char) b);
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // A reset closes the connection as surely as a FIN.
            return true;
        }
    }

    /**
     * Reads everything until the proxy closes the connection.
     *
     * @throws SocketTimeoutException when the proxy neither sends nor closes for {@link
     *     #READ_TIMEOUT}
     */
    public byte[] readUntilClosed() throws IOException {
        return reader.readToEnd();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
