package dev.portcullis.filter;

import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.metrics.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The request filters of one configuration, in their fixed order, and the engine that runs them.
 *
 * <p>Request phase: filters run in list order until one does not proceed. A filter that answers
 * ends the chain (in enforce mode) or is counted as "would block" and passed (in report-only mode).
 * A filter that wants the body, or whose verdict comes later, suspends the chain; the caller
 * resumes it through {@link #resumeWithBody}, and a later verdict resumes it by itself on the
 * exchange's event loop. Response phase: filters see the response head in reverse order.
 *
 * <p>The order is given by the code that builds the list (see DESIGN.md, the life of a request),
 * never by numbers.
 */
public final class FilterChain {

    private static final RateLimitedLog FAILURES =
            new RateLimitedLog(LoggerFactory.getLogger(FilterChain.class), Duration.ofSeconds(10));
    private static final Response FILTER_ERROR =
            Response.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal error\n");
    private static final FilterChain EMPTY = new FilterChain(new Entry[0], List.of(), null);

    private final Entry[] entries;
    private final Counters[] counters;
    private final List<Entry> entryList;

    /** One filter and how its blocking verdicts are applied. */
    public record Entry(Filter filter, FilterMode mode) {}

    /** What the chain tells the request path to do next. */
    public interface Listener {

        /** Every filter passed: forward the request. */
        void proceed(Exchange exchange);

        /** A filter answered: send this response and never forward the request. */
        void respond(Exchange exchange, Response response);

        /**
         * A filter wants the body's first {@code maxBytes}: collect them (without losing them for
         * the backend) and call {@link #resumeWithBody}.
         */
        void collectBody(Exchange exchange, int maxBytes);

        /** The event loop that owns the exchange, where later verdicts are applied. */
        EventExecutor executor();

        /** The chain is waiting for a later verdict; nothing is asked of the listener meanwhile. */
        default void awaitingVerdict(Exchange exchange) {}
    }

    private FilterChain(Entry[] entries, List<Entry> entryList, @Nullable ProxyMetrics metrics) {
        this.entries = entries;
        this.entryList = entryList;
        this.counters = new Counters[entries.length];
        for (int i = 0; i < entries.length; i++) {
            counters[i] = new Counters(metrics, entries[i].filter());
        }
    }

    /** A chain of the given filters, in this order. */
    public static FilterChain of(List<Entry> entries, ProxyMetrics metrics) {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        Entry[] copied = entries.toArray(new Entry[0]);
        return new FilterChain(copied, List.of(copied), metrics);
    }

    /** A chain without filters. */
    public static FilterChain empty() {
        return EMPTY;
    }

    public List<Entry> entries() {
        return entryList;
    }

    public boolean isEmpty() {
        return entries.length == 0;
    }

    /** Starts the request phase of a new exchange. */
    public void runRequest(Exchange exchange, Listener listener) {
        exchange.position = 0;
        continueFrom(exchange, listener);
    }

    /**
     * Resumes the chain with the body prefix a filter asked for.
     *
     * @param prefix the collected prefix, read-only; the caller keeps ownership
     */
    public void resumeWithBody(
            Exchange exchange, ByteBuf prefix, boolean complete, Listener listener) {
        if (exchange.cancelled) {
            return;
        }
        Entry entry = entries[exchange.position];
        Verdict verdict;
        try {
            verdict = entry.filter().onRequestBody(exchange, prefix.asReadOnly(), complete);
        } catch (RuntimeException e) {
            verdict = failed(entry, e);
        }
        if (apply(exchange, entry, verdict, listener)) {
            continueFrom(exchange, listener);
        }
    }

    /** Lets every filter see the response head, in reverse order. */
    public void runResponse(Exchange exchange, HttpResponse response) {
        for (int i = entries.length - 1; i >= 0; i--) {
            Entry entry = entries[i];
            try {
                entry.filter().onResponse(exchange, response);
            } catch (RuntimeException e) {
                FAILURES.warn(
                        "Filter {} failed on a response and was skipped: {}",
                        entry.filter().name(),
                        e.toString());
            }
        }
    }

    private void continueFrom(Exchange exchange, Listener listener) {
        while (exchange.position < entries.length) {
            if (exchange.cancelled) {
                return;
            }
            Entry entry = entries[exchange.position];
            Verdict verdict;
            try {
                verdict = entry.filter().onRequest(exchange);
            } catch (RuntimeException e) {
                verdict = failed(entry, e);
            }
            if (!apply(exchange, entry, verdict, listener)) {
                return;
            }
        }
        listener.proceed(exchange);
    }

    private static Verdict failed(Entry entry, RuntimeException e) {
        // A broken filter must not open the door it guards: the request is refused.
        FAILURES.warn(
                "Filter {} failed and its request was refused with 500: {}",
                entry.filter().name(),
                e.toString());
        return Verdict.respond(FILTER_ERROR);
    }

    /** Applies a verdict; returns whether the chain goes on with the next filter. */
    private boolean apply(Exchange exchange, Entry entry, Verdict verdict, Listener listener) {
        if (verdict instanceof Verdict.Proceed) {
            counters[exchange.position].passed.increment();
            exchange.position++;
            return true;
        }
        if (verdict instanceof Verdict.Respond respond) {
            return block(exchange, entry, respond.response(), listener);
        }
        if (verdict instanceof Verdict.InspectBody inspect) {
            listener.collectBody(exchange, inspect.maxBytes());
            return false;
        }
        suspend(exchange, entry, (Verdict.Later) verdict, listener);
        return false;
    }

    private boolean block(Exchange exchange, Entry entry, Response response, Listener listener) {
        String name = entry.filter().name();
        int status = response.status().code();
        if (entry.mode() == FilterMode.REPORT_ONLY) {
            counters[exchange.position].wouldBlock.increment();
            SecurityEventLog.filterDecision(exchange, name, "would_block", status);
            exchange.position++;
            return true;
        }
        counters[exchange.position].blocked.increment();
        counters[exchange.position].blockedByReason.increment();
        SecurityEventLog.filterDecision(exchange, name, "block", status);
        exchange.blockedBy(name);
        listener.respond(exchange, response);
        return false;
    }

    private void suspend(Exchange exchange, Entry entry, Verdict.Later later, Listener listener) {
        EventExecutor executor = listener.executor();
        listener.awaitingVerdict(exchange);
        exchange.pending = later;
        long timeoutNanos = Math.max(1, later.timeout().toNanos());
        exchange.pendingTimer =
                executor.schedule(
                        () -> settle(exchange, entry, later, later.onTimeout(), true, listener),
                        timeoutNanos,
                        TimeUnit.NANOSECONDS);
        later.verdict()
                .whenComplete(
                        (result, error) -> {
                            Verdict outcome =
                                    error != null || result == null ? later.onTimeout() : result;
                            if (executor.inEventLoop()) {
                                settle(exchange, entry, later, outcome, false, listener);
                            } else {
                                executor.execute(
                                        () ->
                                                settle(
                                                        exchange, entry, later, outcome, false,
                                                        listener));
                            }
                        });
    }

    /** Applies the outcome of a later verdict, once, on the event loop. */
    private void settle(
            Exchange exchange,
            Entry entry,
            Verdict.Later later,
            Verdict outcome,
            boolean timedOut,
            Listener listener) {
        if (exchange.cancelled || exchange.pending != later) {
            return;
        }
        exchange.pending = null;
        var timer = exchange.pendingTimer;
        exchange.pendingTimer = null;
        if (timer != null) {
            timer.cancel(false);
        }
        if (timedOut) {
            cancelQuietly(later);
        }
        if (apply(exchange, entry, outcome, listener)) {
            continueFrom(exchange, listener);
        }
    }

    private static void cancelQuietly(Verdict.Later later) {
        try {
            CompletableFuture<Verdict> future = later.verdict().toCompletableFuture();
            future.cancel(false);
        } catch (UnsupportedOperationException ignored) {
            // A stage that cannot be cancelled simply completes into nothing.
        }
    }

    /** Counters of one filter, looked up once. */
    private static final class Counters {
        final Counter passed;
        final Counter blocked;
        final Counter wouldBlock;
        final Counter blockedByReason;

        Counters(@Nullable ProxyMetrics metrics, Filter filter) {
            ProxyMetrics target = metrics == null ? ProxyMetrics.discarding() : metrics;
            passed = target.filterDecision(filter.name(), "pass");
            blocked = target.filterDecision(filter.name(), "block");
            wouldBlock = target.filterDecision(filter.name(), "would_block");
            blockedByReason = target.blocked(filter.blockReason());
        }
    }
}
