package dev.portcullis.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin on a plain {@link ServerSocket} that answers each request with the exact bytes a test
 * scripts, for responses a well-behaved HTTP library would not send (no length, close-delimited,
 * stray hop-by-hop fields). It reads requests strictly with their bodies, records them, and notes
 * which connections the proxy closed. One thread per connection; reads give up after {@link
 * #READ_TIMEOUT}.
 */
public final class RawOrigin implements AutoCloseable {

    /** How long a connection thread waits for the proxy before it gives the connection up. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A complete request as the origin read it.
     *
     * @param bodyLength the length of its body, after removal of any chunked framing
     * @param connection the number of the connection it came on, from 1 in accept order
     */
    public record Request(
            String method, String target, HttpHeaders headers, int bodyLength, int connection) {}

    /**
     * The answer to write, one char per byte, and whether to close the connection after it.
     *
     * @param text the response bytes as ISO-8859-1 text
     * @param close whether the origin closes the connection once the answer is written
     */
    public record Reply(String text, boolean close) {

        /** Answers and keeps the connection for the next request. */
        public static Reply keepOpen(String text) {
            return new Reply(text, false);
        }

        /** Answers and closes: the only framing of a response without a length. */
        public static Reply thenClose(String text) {
            return new Reply(text, true);
        }

        byte[] bytes() {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Decides the bytes of the answer to each request. */
    @FunctionalInterface
    public interface Script {
        Reply answer(Request request);
    }

    private final ServerSocket server;
    private final Script script;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> startLines = new CopyOnWriteArrayList<>();
    private final Set<Integer> closedByProxy = ConcurrentHashMap.newKeySet();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();

    private RawOrigin(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** Starts an origin on a free port of 127.0.0.1. */
    public static RawOrigin start(Script script) throws IOException {
        return new RawOrigin(script);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** The complete requests received, in arrival order. */
    public List<Request> requests() {
        return requests;
    }

    /**
     * The request lines of the complete requests, such as {@code GET / HTTP/1.1}, in the order of
     * {@link #requests()}: the line at an index is there before the request at that index is.
     */
    public List<String> startLines() {
        return startLines;
    }

    public int acceptedConnections() {
        return connections.get();
    }

    /** Whether the proxy closed the connection of the given number (its end of stream was read). */
    public boolean closedByProxy(int connection) {
        return closedByProxy.contains(connection);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                sockets.add(socket);
                try {
                    threads.execute(() -> serve(socket, number));
                } catch (RejectedExecutionException e) {
                    socket.close();
                }
            } catch (IOException e) {
                // Closed by close(): the loop ends.
            }
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            HttpWireReader reader =
                    new HttpWireReader(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            while (true) {
                HttpWireReader.Head head = reader.readHead();
                if (head == null) {
                    closedByProxy.add(number);
                    return;
                }
                String[] line = head.startLine().split(" ", 3);
                Request request =
                        new Request(
                                line[0],
                                line.length > 1 ? line[1] : "",
                                head.headers(),
                                reader.readRequestBody(head.headers()).length,
                                number);
                startLines.add(head.startLine());
                requests.add(request);
                Reply reply = script.answer(request);
                out.write(reply.bytes());
                out.flush();
                if (reply.close()) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // The proxy kept the connection idle longer than any test runs.
        } catch (EOFException | SocketException e) {
            // The proxy closed or reset the connection, possibly mid-request.
            closedByProxy.add(number);
        } catch (IOException e) {
            // Bytes that are no HTTP request: the test sees it in requests().
        } finally {
            sockets.remove(socket);
        }
    }
}
