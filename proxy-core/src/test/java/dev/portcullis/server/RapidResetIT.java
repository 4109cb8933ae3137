package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.H2Client;
import dev.portcullis.testing.LogCapture;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import io.netty.handler.codec.http2.Http2Error;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 rapid reset (CVE-2023-44487) against the whole proxy, over TLS with ALPN h2: a client that
 * opens streams and resets them at once is cut off after {@code limits.http2_max_resets} resets (50
 * per 10 s here, far below Netty's own default of 200 per 30 s), with GOAWAY {@code
 * ENHANCE_YOUR_CALM}, while another client on its own connection is served throughout.
 *
 * <p>A client that goes on sending after the proxy closed may never read the GOAWAY: the proxy's
 * kernel answers the late bytes with a TCP reset, and a reset discards what the client had not read
 * yet. So the loop test asserts the cut-off, and a client that stops right after the limit asserts
 * the GOAWAY.
 */
class RapidResetIT {

    private static final int MAX_RESETS = 50;
    private static final int MAX_STREAMS = 1_000;
    private static final Duration MAX_ATTACK = Duration.ofSeconds(5);

    /** Streams opened between two PINGs: the server has read them all once the PING is back. */
    private static final int BATCH = 10;

    @TempDir Path dir;

    private TestCertificates.Authority ca;
    private TestBackend backend;
    private RunningProxy proxy;

    @BeforeEach
    void start() throws Exception {
        ca = new TestCertificates(dir).newAuthority("Reset CA");
        TlsConfig tls =
                new TlsConfig(
                        List.of(ca.server("localhost").issue().write()),
                        ClientAuthMode.NONE,
                        null,
                        true);
        LimitsConfig defaults = TestConfigs.defaultLimits();
        LimitsConfig limits =
                new LimitsConfig(
                        defaults.maxConnections(),
                        defaults.maxConnectionsPerIp(),
                        defaults.maxRequestLine(),
                        defaults.maxHeaderBytes(),
                        defaults.maxHeaders(),
                        defaults.maxBodyBytes(),
                        defaults.headerTimeout(),
                        defaults.idleTimeout(),
                        defaults.http2MaxConcurrentStreams(),
                        defaults.http2InitialWindow(),
                        MAX_RESETS,
                        Duration.ofSeconds(10));
        // The reset streams' requests are answered late, so that every reset finds its stream
        // still open: a reset of a stream already answered is not counted (RFC 9113 §6.4), and
        // on a busy machine a prompt backend could answer between a HEADERS and its RST_STREAM.
        backend =
                TestBackend.start(
                        "calm",
                        (request, reply) -> {
                            if (request.uri().startsWith("/reset")) {
                                reply.later(2_000, () -> reply.text(200, "calm"));
                            } else {
                                reply.text(200, "calm");
                            }
                        });
        proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .tls(tls)
                                .limits(limits)
                                .backend(backend.address())
                                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void openAndResetLoop_pastResetLimit_isCutOffWhileOtherClientIsServed() throws Exception {
        HttpClient bystander = bystander();
        List<Integer> during = new ArrayList<>();
        int opened = 0;
        try (H2Client attacker = attacker()) {
            long deadline = System.nanoTime() + MAX_ATTACK.toNanos();
            while (opened < MAX_STREAMS && System.nanoTime() < deadline && attacker.isOpen()) {
                try {
                    openAndReset(attacker);
                } catch (IllegalStateException e) {
                    break; // the connection went away between the check and the open
                }
                opened++;
                if (opened % BATCH == 0) {
                    attacker.ping();
                    during.add(status(bystander));
                }
            }

            assertThat(attacker.awaitClosed()).as("attacker's connection closed").isTrue();
        }
        int after = status(bystander);

        assertThat(opened)
                .as("streams opened before the cut-off")
                .isGreaterThan(MAX_RESETS - BATCH)
                .isLessThanOrEqualTo(MAX_RESETS + 2 * BATCH);
        assertThat(during).isNotEmpty().containsOnly(200);
        assertThat(after).isEqualTo(200);
    }

    @Test
    void resetsOnePastLimit_thenSilence_getGoAwayEnhanceYourCalm() throws Exception {
        try (H2Client attacker = attacker()) {
            for (int i = 0; i <= MAX_RESETS; i++) {
                openAndReset(attacker);
            }

            assertThat(attacker.goAway().get(H2Client.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(attacker.awaitClosed()).isTrue();
        }
    }

    @Test
    void resetsPastLimit_cutOff_isNoWarningInTheLog() throws Exception {
        try (LogCapture log = LogCapture.start();
                H2Client attacker = attacker()) {
            for (int i = 0; i <= MAX_RESETS; i++) {
                openAndReset(attacker);
            }

            assertThat(attacker.awaitClosed()).isTrue();
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @Test
    void resetsUpToLimit_connectionStaysUsable() throws Exception {
        try (H2Client client = attacker()) {
            for (int i = 0; i < MAX_RESETS; i++) {
                openAndReset(client);
            }

            assertThat(client.ping()).isTrue();
            H2Client.Outcome outcome =
                    client.exchange(H2Client.request("GET", "https", "localhost", "/after"));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(client.goAway()).isNotDone();
        }
    }

    private H2Client attacker() throws Exception {
        return H2Client.tls(proxy.address(), "localhost", ca.certificate());
    }

    private static void openAndReset(H2Client client) {
        client.open(H2Client.request("GET", "https", "localhost", "/reset"), true).reset();
    }

    private HttpClient bystander() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(ca.trustingClient())
                .build();
    }

    private int status(HttpClient client) throws Exception {
        URI uri = URI.create("https://localhost:" + proxy.address().getPort() + "/calm");
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        return response.statusCode();
    }
}
