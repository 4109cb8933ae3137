package dev.portcullis.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A bounded client loop for resilience tests: a few threads, each on its own keep-alive connection,
 * send {@code GET} requests one after the other as fast as answers come, until the time or the
 * request count is up or {@link #stop()} is called. Every request gets a path of its own (from the
 * request number), so that a test can match what the client saw with what a backend received.
 *
 * <p>A thread opens a new connection after a response with {@code Connection: close} or a broken
 * one. A thread whose connect is refused records that and ends: the proxy is gone, and retrying at
 * once would only spin.
 */
public final class LoadLoop implements AutoCloseable {

    /** How one request ended. */
    public enum Kind {
        /** A complete 200 response. */
        OK,
        /** A complete response with another status. */
        STATUS,
        /** The connection broke or timed out before the response was complete. */
        BROKEN,
        /** No connection could be opened. */
        REFUSED
    }

    /**
     * One request as the client saw it.
     *
     * @param backend the {@code X-Backend} header of the response, or null
     * @param connectionClose whether the response said {@code Connection: close}
     */
    public record Sample(
            int number,
            String path,
            long sentNanos,
            long doneNanos,
            Kind kind,
            int status,
            @Nullable String backend,
            boolean connectionClose,
            String detail) {}

    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final InetSocketAddress target;
    private final IntFunction<String> pathOf;
    private final long deadlineNanos;
    private final int maxRequests;
    private final AtomicInteger numbers = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    private LoadLoop(
            InetSocketAddress target, IntFunction<String> pathOf, Duration limit, int maxRequests) {
        this.target = target;
        this.pathOf = pathOf;
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
        this.maxRequests = maxRequests;
    }

    /**
     * Starts the loop.
     *
     * @param threads connections used at once
     * @param limit the loop stops by itself after this time
     * @param maxRequests ... or after this many requests, whichever comes first
     * @param pathOf the path of request number n
     */
    public static LoadLoop start(
            InetSocketAddress target,
            int threads,
            Duration limit,
            int maxRequests,
            IntFunction<String> pathOf) {
        LoadLoop loop = new LoadLoop(target, pathOf, limit, maxRequests);
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(loop::run, "load-" + i);
            thread.setDaemon(true);
            loop.threads.add(thread);
        }
        loop.threads.forEach(Thread::start);
        return loop;
    }

    /** Paths {@code /load/0}, {@code /load/1}, ... */
    public static LoadLoop start(
            InetSocketAddress target, int threads, Duration limit, int maxRequests) {
        return start(target, threads, limit, maxRequests, n -> "/load/" + n);
    }

    private void run() {
        Connection connection = null;
        try {
            while (!stopped && System.nanoTime() < deadlineNanos) {
                int number = numbers.getAndIncrement();
                if (number >= maxRequests) {
                    return;
                }
                String path = pathOf.apply(number);
                long sent = System.nanoTime();
                if (connection == null) {
                    try {
                        connection = Connection.open(target);
                    } catch (IOException e) {
                        samples.add(
                                new Sample(
                                        number,
                                        path,
                                        sent,
                                        System.nanoTime(),
                                        Kind.REFUSED,
                                        0,
                                        null,
                                        false,
                                        e.toString()));
                        return;
                    }
                }
                inFlight.incrementAndGet();
                try {
                    Sample sample = connection.exchange(number, path, sent);
                    samples.add(sample);
                    if (sample.connectionClose()) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException e) {
                    samples.add(
                            new Sample(
                                    number,
                                    path,
                                    sent,
                                    System.nanoTime(),
                                    Kind.BROKEN,
                                    0,
                                    null,
                                    false,
                                    e.toString()));
                    connection.close();
                    connection = null;
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Requests sent and not yet answered right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests finished so far, whatever their outcome. */
    public int total() {
        return samples.size();
    }

    /** Every finished request so far. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The finished requests that match. */
    public List<Sample> samples(Predicate<Sample> filter) {
        List<Sample> matching = new ArrayList<>();
        for (Sample sample : samples) {
            if (filter.test(sample)) {
                matching.add(sample);
            }
        }
        return matching;
    }

    /** The requests that did not end with a complete 200. */
    public List<Sample> failures() {
        return samples(sample -> sample.kind() != Kind.OK);
    }

    /** The first request answered by the backend after the instant, or null. */
    public @Nullable Sample firstFrom(String backend, long afterNanos) {
        Sample first = null;
        for (Sample sample : samples) {
            if (backend.equals(sample.backend())
                    && sample.sentNanos() >= afterNanos
                    && (first == null || sample.sentNanos() < first.sentNanos())) {
                first = sample;
            }
        }
        return first;
    }

    /** Whether every thread has ended. */
    public boolean isFinished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Stops sending and waits (bounded) for the requests in flight to end. */
    public void stop() {
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS * 2L);
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** One keep-alive connection of a loop thread. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final HttpWireReader reader;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.reader = new HttpWireReader(new BufferedInputStream(socket.getInputStream()));
        }

        static Connection open(InetSocketAddress target) throws IOException {
            Socket socket = new Socket();
            try {
                socket.connect(target, READ_TIMEOUT_MILLIS);
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                socket.setTcpNoDelay(true);
                return new Connection(socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        Sample exchange(int number, String path, long sent) throws IOException {
            out.write(
                    ("GET " + path + " HTTP/1.1\r\nHost: load.test\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            HttpWireReader.Head head = reader.readHead();
            if (head == null) {
                throw new IOException("the connection closed before a response");
            }
            String[] parts = head.startLine().split(" ", 3);
            if (parts.length < 2 || parts[1].length() != 3) {
                throw new IOException("not a status line: " + head.startLine());
            }
            int status = Integer.parseInt(parts[1]);
            String length = head.headers().get("content-length");
            if (HttpWireReader.isChunked(head.headers())) {
                reader.readChunked();
            } else if (length != null) {
                reader.readFixed(Long.parseLong(length));
            } else {
                throw new IOException("a response without a length: " + head.startLine());
            }
            boolean close = head.headers().containsValue("connection", "close", true);
            return new Sample(
                    number,
                    path,
                    sent,
                    System.nanoTime(),
                    status == 200 ? Kind.OK : Kind.STATUS,
                    status,
                    head.headers().get("x-backend"),
                    close,
                    head.startLine());
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a socket that broke.
            }
        }
    }
}
