package dev.portcullis.config;

import java.time.Duration;

/**
 * Time limits towards the backends of an upstream ({@code upstreams[].timeouts}).
 *
 * @param connect establishing a new backend connection
 * @param responseHeader from the end of the request to the end of the response header block
 * @param idle no byte in either direction while a request or response body streams
 */
public record UpstreamTimeouts(Duration connect, Duration responseHeader, Duration idle) {

    /** The timeouts used for every key left out of the section. */
    public static UpstreamTimeouts defaults() {
        return new UpstreamTimeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
}
