package dev.portcullis.config;

import org.jspecify.annotations.Nullable;

/**
 * The admin listener ({@code admin}): health, readiness and metrics.
 *
 * @param bind where it listens, or {@code null} when {@code admin.enabled} is false
 * @param token the bearer token that endpoints changing state require, or null for none (then the
 *     listener may only bind to a loopback address)
 */
public record AdminConfig(@Nullable BindAddress bind, @Nullable String token) {

    /** An admin listener without a token. */
    public AdminConfig(@Nullable BindAddress bind) {
        this(bind, null);
    }

    /** Where the admin listener binds unless told otherwise: the loopback address only. */
    public static final BindAddress DEFAULT_BIND = new BindAddress("127.0.0.1", 9901);

    /** The settings used when the section is left out: enabled on {@link #DEFAULT_BIND}. */
    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_BIND, null);
    }
}
