package dev.portcullis.filter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per security decision on the {@code portcullis.security} logger, as {@code
 * key=value} pairs: which filter acted, what it did, and which request it acted on.
 */
public final class SecurityEventLog {

    private static final Logger EVENTS = LoggerFactory.getLogger("portcullis.security");

    private SecurityEventLog() {}

    /** A filter answered a request itself (or, in report-only mode, would have). */
    static void filterDecision(Exchange exchange, String filter, String action, int status) {
        if (!EVENTS.isInfoEnabled()) {
            return;
        }
        EVENTS.info(
                "event=filter action={} filter={} status={} client={} method={} host={} path={}"
                        + " request_id={}",
                action,
                filter,
                status,
                exchange.clientAddress().getHostAddress(),
                exchange.request().method().name(),
                exchange.host(),
                LogValues.truncated(exchange.path()),
                exchange.requestId());
    }

    /** The front end refused input before any filter ran (smuggling, limits, malformed). */
    public static void frontEndRejection(
            String client, String reason, String detail, int status, String listener) {
        if (!EVENTS.isInfoEnabled()) {
            return;
        }
        EVENTS.info(
                "event=reject reason={} detail={} status={} client={} listener={}",
                reason,
                detail,
                status,
                client,
                listener);
    }
}
