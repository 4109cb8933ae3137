package dev.portcullis.config;

import org.jspecify.annotations.Nullable;

/**
 * The admin listener ({@code admin}): health, readiness and metrics.
 *
 * @param bind where it listens, or {@code null} when {@code admin.enabled} is false
 */
public record AdminConfig(@Nullable BindAddress bind) {}
