package dev.portcullis.config;

/** Logging choices made in the configuration file ({@code logging}). */
public record LoggingConfig(AccessLogFormat accessLog) {}
