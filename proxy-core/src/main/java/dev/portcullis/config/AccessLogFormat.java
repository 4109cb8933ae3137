package dev.portcullis.config;

/** Format of the access log, one line per request on the {@code portcullis.access} logger. */
public enum AccessLogFormat {
    /** One JSON object per line. */
    JSON,
    /** The combined log format of Apache and nginx, with the request id and duration added. */
    COMBINED,
    /** No access log. */
    OFF
}
