package dev.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An origin that reads request bodies to the end and throws them away, for the upload scenario.
 *
 * <p>It answers every request, once its body has been read whole, with 200 and the text {@code
 * received=N}, N being the number of body bytes. It understands {@code Content-Length} and
 * {@code chunked} bodies and keeps connections alive. One thread per connection: it serves a
 * handful of uploads, not load.
 *
 * <p>Usage: {@code UploadSink PORT} (it listens on 127.0.0.1 only).
 */
public final class UploadSink {

    private static final int BUFFER_BYTES = 64 * 1024;

    private UploadSink() {}

    /** Runs the sink until the process is stopped. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: UploadSink PORT, got " + args.length);
        }
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket socket = server.accept();
                Thread thread = new Thread(() -> serve(socket), "sink-" + socket.getPort());
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream input = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
            OutputStream output = socket.getOutputStream();
            byte[] scratch = new byte[BUFFER_BYTES];
            while (true) {
                String head = readLine(input, true);
                if (head == null) {
                    return;
                }
                long length = -1;
                boolean chunked = false;
                for (String line = readLine(input, false);
                        !line.isEmpty();
                        line = readLine(input, false)) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:")
                            && lower.contains("chunked")) {
                        chunked = true;
                    }
                }
                long received =
                        chunked ? drainChunked(input, scratch) : drain(input, length, scratch);
                byte[] body = ("received=" + received + "\n").getBytes(StandardCharsets.US_ASCII);
                String reply =
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                + body.length
                                + "\r\n\r\n";
                output.write(reply.getBytes(StandardCharsets.US_ASCII));
                output.write(body);
                output.flush();
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent something this small sink does not parse; drop it.
        }
    }

    private static long drain(InputStream input, long length, byte[] scratch) throws IOException {
        long left = Math.max(length, 0);
        while (left > 0) {
            int n = input.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new EOFException("body ended " + left + " bytes early");
            }
            left -= n;
        }
        return Math.max(length, 0);
    }

    private static long drainChunked(InputStream input, byte[] scratch) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(input, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                while (!readLine(input, false).isEmpty()) {
                    // Trailer fields are read and ignored.
                }
                return total;
            }
            total += drain(input, size, scratch);
            readLine(input, false);
        }
    }

    /**
     * Reads one CRLF-ended line. At the start of a request the stream may end cleanly (null);
     * anywhere else an early end is an error.
     */
    private static String readLine(InputStream input, boolean mayEnd) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = input.read(); b != '\n'; b = input.read()) {
            if (b < 0) {
                if (mayEnd && line.length() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
