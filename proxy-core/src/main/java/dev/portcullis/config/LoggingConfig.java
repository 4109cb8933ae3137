package dev.portcullis.config;

/** Logging choices made in the configuration file ({@code logging}). */
public record LoggingConfig(AccessLogFormat accessLog) {

    /** The settings used when the section is left out: a JSON access log. */
    public static LoggingConfig defaults() {
        return new LoggingConfig(AccessLogFormat.JSON);
    }
}
