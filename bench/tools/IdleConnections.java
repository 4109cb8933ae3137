package dev.portcullis.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Holds many idle keep-alive connections open against a proxy, so that the memory each one
 * costs the proxy can be measured.
 *
 * <p>It opens {@code count} connections in batches, sends one GET on each and reads the
 * whole response, then keeps every connection open without sending anything. It reports on
 * standard output (each report ends with the word {@code end}, so that a reader never takes a
 * half-written line) and takes commands on standard input:
 *
 * <ul>
 *   <li>{@code held OK FAILED end} once every connection was tried;
 *   <li>on the line {@code check}: sends a second GET on every held connection and prints
 *       {@code checked OK FAILED end}, which shows whether the proxy kept them all open;
 *   <li>at the end of standard input it closes everything and exits.
 * </ul>
 *
 * <p>Usage: {@code IdleConnections HOST PORT PATH COUNT}.
 */
public final class IdleConnections {

    /** How long one read may wait before the connection counts as failed. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    /**
     * Connections that exchange a request at the same time: all requests of a batch are sent
     * before its responses are read. One round trip at a time would take minutes on a busy
     * machine, where each one waits for the scheduler; a batch stays well inside the proxies'
     * accept queues.
     */
    private static final int BATCH = 500;

    /** Room for one response: the origins' 100-byte body and the proxies' headers. */
    private static final int RESPONSE_BUFFER_BYTES = 8192;

    private final String host;
    private final int port;
    private final byte[] request;
    private final List<Socket> held = new ArrayList<>();

    private IdleConnections(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.request =
                ("GET " + path + " HTTP/1.1\r\nHost: " + host
                                + "\r\nUser-Agent: bench-idle\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
    }

    /** Runs the tool; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: IdleConnections HOST PORT PATH COUNT, got "
                            + args.length
                            + " arguments");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        IdleConnections tool = new IdleConnections(args[0], Integer.parseInt(args[1]), args[2]);
        int failed = tool.open(Integer.parseInt(args[3]));
        out.print(String.format(Locale.ROOT, "held %d %d end%n", tool.held.size(), failed));

        BufferedReader commands =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            if (line.trim().equals("check")) {
                int ok = tool.check();
                out.print(
                        String.format(
                                Locale.ROOT, "checked %d %d end%n", ok, tool.held.size() - ok));
            }
        }
        tool.closeAll();
    }

    /** Opens up to {@code count} connections with one answered request each; returns failures. */
    private int open(int count) {
        int failed = 0;
        for (int first = 0; first < count; first += BATCH) {
            List<Socket> batch = new ArrayList<>();
            for (int i = first; i < Math.min(count, first + BATCH); i++) {
                Socket socket = new Socket();
                try {
                    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                    socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MILLIS);
                    batch.add(socket);
                } catch (IOException e) {
                    failed++;
                    closeQuietly(socket);
                }
            }
            for (Socket socket : exchangeAll(batch)) {
                if (socket.isClosed()) {
                    failed++;
                } else {
                    held.add(socket);
                }
            }
        }
        return failed;
    }

    /** Sends a second request on every held connection; returns how many were answered. */
    private int check() {
        int ok = 0;
        for (int first = 0; first < held.size(); first += BATCH) {
            List<Socket> batch = held.subList(first, Math.min(held.size(), first + BATCH));
            for (Socket socket : exchangeAll(batch)) {
                ok += socket.isClosed() ? 0 : 1;
            }
        }
        return ok;
    }

    /**
     * Sends the request on every socket of the batch, then reads every response. A socket whose
     * exchange fails, or whose answer is not 200, comes back closed.
     */
    private List<Socket> exchangeAll(List<Socket> batch) {
        for (Socket socket : batch) {
            try {
                OutputStream output = socket.getOutputStream();
                output.write(request);
                output.flush();
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
        for (Socket socket : batch) {
            if (socket.isClosed()) {
                continue;
            }
            try {
                if (!readResponse(socket.getInputStream())) {
                    closeQuietly(socket);
                }
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
        return batch;
    }

    /**
     * Reads one whole response; true when its status is 200. It reads in blocks, not byte by
     * byte: a response is small and nothing else is in flight on the connection, so whatever
     * arrives belongs to it.
     */
    private static boolean readResponse(InputStream input) throws IOException {
        byte[] buffer = new byte[RESPONSE_BUFFER_BYTES];
        int filled = 0;
        int headEnd = -1;
        long total = -1;
        while (total < 0 || filled < total) {
            if (filled == buffer.length) {
                return false;
            }
            int n = input.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return false;
            }
            filled += n;
            if (headEnd < 0) {
                headEnd = headEnd(buffer, filled);
                if (headEnd >= 0) {
                    String head = new String(buffer, 0, headEnd, StandardCharsets.US_ASCII);
                    long length = contentLength(head);
                    if (!head.startsWith("HTTP/1.1 200") || length < 0) {
                        return false;
                    }
                    total = headEnd + length;
                }
            }
        }
        return filled == total;
    }

    /** The index just past the blank line that ends the header block, or -1 before it came. */
    private static int headEnd(byte[] buffer, int filled) {
        for (int i = 3; i < filled; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n'
                    && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The Content-Length of a response head, or -1 when it has none (not used by the origins). */
    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return -1;
    }

    private void closeAll() {
        for (Socket socket : held) {
            closeQuietly(socket);
        }
        held.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing is left to do with a socket that fails to close.
        }
    }
}
