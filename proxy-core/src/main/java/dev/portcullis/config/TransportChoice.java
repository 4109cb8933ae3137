package dev.portcullis.config;

/** The I/O transport: {@code auto} takes native epoll when it loads and NIO otherwise. */
public enum TransportChoice {
    AUTO,
    EPOLL,
    NIO
}
