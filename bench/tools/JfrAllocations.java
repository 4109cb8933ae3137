package dev.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Sums up a Flight Recorder allocation trace of {@code RequestPathBenchmark} per request: by part
 * of the request path, and by allocated class and allocation site.
 *
 * <p>The recording is expected to hold {@code jdk.ObjectAllocationOutsideTLAB} events for every
 * allocation (JVM flag {@code -XX:-UseTLAB}, settings {@code bench/conf/allocations.jfc}); with
 * TLABs on, it would hold only a sample and the figures would be too low. Only the benchmark
 * threads' events count. The number of requests is the number of {@code ProxyExchange} objects
 * allocated, exactly one per request.
 *
 * <p>The part of the path is the innermost of these frames on the allocation's stack:
 *
 * <ul>
 *   <li>{@code Http1Connection.userEventTriggered}: decode (the header timer armed when a head
 *       starts);
 *   <li>{@code Http1Connection.channelRead}, {@code .channelReadComplete}: head to backend (the
 *       decoded request until it is flushed to the backend channel);
 *   <li>{@code UpstreamConnection$Handler.*}: response (from the decoded response head to the
 *       flush to the client, the end of the exchange, the return of the connection to its pool);
 *   <li>{@code HttpObjectDecoder.*}: response decode (the backend connection's codec);
 *   <li>{@code Http1RequestDecoder.*}: decode;
 *   <li>anything else under the benchmark method: harness (input buffers, reading the output).
 * </ul>
 *
 * <p>The site is the innermost frame outside the JDK (the code that asked for the object, where a
 * JDK method such as {@code Arrays.copyOfRange} made it) and the innermost {@code dev.portcullis}
 * frame of the proxy that led to it, each with its line; {@code -} when the proxy's code is not on
 * the stack (the backend codec's decoding).
 *
 * <p>Usage: {@code java bench/tools/JfrAllocations.java [--last=SECONDS] RECORDING.jfr [ROWS
 * [PART]]}: at most ROWS sites (default 40), only those of PART when given (such as {@code "head
 * to backend"}), and with {@code --last} only the events of the recording's last SECONDS (the
 * measurement, when the recording ran from the JVM's start).
 */
public final class JfrAllocations {

    private static final String EXCHANGE_CLASS = "dev.portcullis.server.ProxyExchange";

    private static final String[][] PARTS = {
        {"dev.portcullis.server.Http1Connection.userEventTriggered", "decode"},
        {"dev.portcullis.server.Http1Connection.channelRead", "head to backend"},
        {"dev.portcullis.server.Http1Connection.channelReadComplete", "head to backend"},
        {"dev.portcullis.upstream.UpstreamConnection$Handler.", "response"},
        {"io.netty.handler.codec.http.HttpObjectDecoder.", "response decode"},
        {"dev.portcullis.server.h1.Http1RequestDecoder.", "decode"},
    };

    private JfrAllocations() {}

    /** One line of the breakdown: what was allocated where, summed. */
    private static final class Site {
        final String part;
        final String type;
        final String allocatedIn;
        final String calledFrom;
        long bytes;
        long objects;

        Site(String part, String type, String allocatedIn, String calledFrom) {
            this.part = part;
            this.type = type;
            this.allocatedIn = allocatedIn;
            this.calledFrom = calledFrom;
        }
    }

    /** Reads the recording and prints the breakdown. */
    public static void main(String[] arguments) throws IOException {
        long lastSeconds = 0;
        String[] args = arguments;
        if (args.length > 0 && args[0].startsWith("--last=")) {
            lastSeconds = Long.parseLong(args[0].substring("--last=".length()));
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException(
                    "usage: JfrAllocations RECORDING.jfr [ROWS [PART]], got "
                            + args.length
                            + " arguments");
        }
        int rows = args.length >= 2 ? Integer.parseInt(args[1]) : 40;
        String onlyPart = args.length == 3 ? args[2] : null;
        Path file = Path.of(args[0]);
        Instant from = lastSeconds > 0 ? end(file).minusSeconds(lastSeconds) : Instant.MIN;
        Map<String, Site> sites = new HashMap<>();
        long requests = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ObjectAllocationOutsideTLAB")
                        || !isBenchmarkThread(event.getThread())
                        || event.getStartTime().isBefore(from)) {
                    continue;
                }
                String type = event.getClass("objectClass").getName();
                if (type.equals(EXCHANGE_CLASS)) {
                    requests++;
                }
                Site site = site(sites, type, event.getStackTrace());
                site.bytes += event.getLong("allocationSize");
                site.objects++;
            }
        }
        if (requests == 0) {
            throw new IllegalStateException(
                    "no " + EXCHANGE_CLASS + " allocated: not a RequestPathBenchmark trace");
        }
        print(
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                sites,
                requests,
                rows,
                onlyPart);
    }

    /** The time of the recording's last event. */
    private static Instant end(Path file) throws IOException {
        Instant last = Instant.MIN;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                Instant time = recording.readEvent().getStartTime();
                if (time.isAfter(last)) {
                    last = time;
                }
            }
        }
        return last;
    }

    private static boolean isBenchmarkThread(RecordedThread thread) {
        return thread != null
                && thread.getJavaName() != null
                && thread.getJavaName().contains("jmh-worker");
    }

    private static Site site(Map<String, Site> sites, String type, RecordedStackTrace stack) {
        List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
        String part = "harness";
        search:
        for (RecordedFrame frame : frames) {
            String method = name(frame);
            for (String[] marker : PARTS) {
                if (method.startsWith(marker[0])) {
                    part = marker[1];
                    break search;
                }
            }
        }
        String allocatedIn = "?";
        for (RecordedFrame frame : frames) {
            if (!isJdk(frame)) {
                allocatedIn = located(frame);
                break;
            }
        }
        String calledFrom = "-";
        for (RecordedFrame frame : frames) {
            String method = name(frame);
            if (method.startsWith("dev.portcullis.") && !method.contains("Benchmark")) {
                calledFrom = located(frame);
                break;
            }
        }
        String key = part + '|' + type + '|' + allocatedIn + '|' + calledFrom;
        Site found = sites.get(key);
        if (found == null) {
            found = new Site(part, type, allocatedIn, calledFrom);
            sites.put(key, found);
        }
        return found;
    }

    /** Whether the frame is the JDK's own, such as {@code Arrays.copyOfRange}. */
    private static boolean isJdk(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.");
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + '.' + frame.getMethod().getName();
    }

    private static String located(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        String simple = type.substring(type.lastIndexOf('.') + 1);
        return simple + '.' + frame.getMethod().getName() + ':' + frame.getLineNumber();
    }

    private static void print(
            PrintStream out, Map<String, Site> sites, long requests, int rows, String onlyPart) {
        Map<String, long[]> parts = new HashMap<>();
        long totalBytes = 0;
        long totalObjects = 0;
        for (Site site : sites.values()) {
            long[] sum = parts.computeIfAbsent(site.part, p -> new long[2]);
            sum[0] += site.bytes;
            sum[1] += site.objects;
            totalBytes += site.bytes;
            totalObjects += site.objects;
        }
        out.printf(Locale.ROOT, "requests: %d%n%n", requests);
        out.println("| part | B/request | objects/request |");
        out.println("| --- | --: | --: |");
        List<Map.Entry<String, long[]>> byPart = new ArrayList<>(parts.entrySet());
        byPart.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        for (Map.Entry<String, long[]> part : byPart) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.2f |%n",
                    part.getKey(),
                    (double) part.getValue()[0] / requests,
                    (double) part.getValue()[1] / requests);
        }
        out.printf(
                Locale.ROOT,
                "| all | %.1f | %.2f |%n%n",
                (double) totalBytes / requests,
                (double) totalObjects / requests);

        List<Site> bySize = new ArrayList<>();
        for (Site site : sites.values()) {
            if (onlyPart == null || site.part.equals(onlyPart)) {
                bySize.add(site);
            }
        }
        bySize.sort((a, b) -> Long.compare(b.bytes, a.bytes));
        out.println("| part | class | allocated by | on behalf of | B/request | objects/request |");
        out.println("| --- | --- | --- | --- | --: | --: |");
        for (Site site : bySize.subList(0, Math.min(rows, bySize.size()))) {
            out.printf(
                    Locale.ROOT,
                    "| %s | `%s` | `%s` | `%s` | %.1f | %.2f |%n",
                    site.part,
                    site.type,
                    site.allocatedIn,
                    site.calledFrom,
                    (double) site.bytes / requests,
                    (double) site.objects / requests);
        }
    }
}
