package dev.portcullis.config;

/** One front-end listener ({@code listeners[]}). */
public record ListenerConfig(String name, BindAddress bind) {}
