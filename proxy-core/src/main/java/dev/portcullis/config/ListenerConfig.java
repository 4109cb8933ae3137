package dev.portcullis.config;

import org.jspecify.annotations.Nullable;

/**
 * One front-end listener ({@code listeners[]}).
 *
 * @param tls makes the listener HTTPS; null for plain HTTP
 * @param h2c on a plain listener, also accept cleartext HTTP/2 with prior knowledge (off by
 *     default: cleartext HTTP/2 is for trusted networks only)
 * @param redirectHttps on a plain listener, answer every request with a 308 to the same URL on the
 *     first TLS listener's port instead of proxying it
 */
public record ListenerConfig(
        String name,
        BindAddress bind,
        @Nullable TlsConfig tls,
        boolean h2c,
        boolean redirectHttps) {

    /** A plain HTTP/1.1 listener. */
    public ListenerConfig(String name, BindAddress bind) {
        this(name, bind, null, false, false);
    }
}
