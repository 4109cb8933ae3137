package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.WebSocketBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades become a tunnel to the backend in both directions and close with it; any other
 * upgrade is forwarded as a plain request, its Upgrade removed.
 */
class WebSocketIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MESSAGES = 5;

    @Test
    void webSocket_throughProxy_carriesMessagesBothWays() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {
            Inbox inbox = new Inbox();
            WebSocket socket = open(proxy, inbox);

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                socket.sendText("message " + i, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                answers.add(inbox.next());
            }

            assertThat(backend.handshakes()).isEqualTo(1);
            assertThat(backend.received())
                    .containsExactly(
                            "message 0", "message 1", "message 2", "message 3", "message 4");
            assertThat(answers)
                    .containsExactly(
                            "echo: message 0",
                            "echo: message 1",
                            "echo: message 2",
                            "echo: message 3",
                            "echo: message 4");
            socket.abort();
        }
    }

    @Test
    void webSocket_closedByClient_closesBackendSideAndProxyConnection() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {
            Inbox inbox = new Inbox();
            WebSocket socket = open(proxy, inbox);
            socket.sendText("before closing", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(inbox.next()).isEqualTo("echo: before closing");

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done")
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> backend.closeFrames() == 1);
            await().atMost(WAIT).until(() -> backend.closedConnections() == 1);
            assertThat(inbox.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(WebSocket.NORMAL_CLOSURE);
            await().atMost(WAIT).until(() -> proxy.server().openConnections() == 0);
        }
    }

    @Test
    void webSocket_abortedByClient_closesBackendConnection() throws Exception {
        try (WebSocketBackend backend = WebSocketBackend.start();
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {
            Inbox inbox = new Inbox();
            WebSocket socket = open(proxy, inbox);
            socket.sendText("still here", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(inbox.next()).isEqualTo("echo: still here");

            // No close frame: the client's connection just goes away.
            socket.abort();

            await().atMost(WAIT).until(() -> backend.closedConnections() == 1);
            assertThat(backend.closeFrames()).isZero();
            await().atMost(WAIT).until(() -> proxy.server().openConnections() == 0);
        }
    }

    @Test
    void h2cUpgradeRequest_isForwardedAsPlainRequestWithoutUpgrade() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build());
                RawClient raw = RawClient.connect(proxy.address())) {
            raw.write(
                    "GET /h2c HTTP/1.1\r\n"
                            + "Host: localhost\r\n"
                            + "Connection: Upgrade, HTTP2-Settings\r\n"
                            + "Upgrade: h2c\r\n"
                            + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
                            + "\r\n");

            RawClient.Head head = raw.readHead();

            assertThat(head.status()).isEqualTo(200);
            assertThat(raw.readBodyText(head)).isEqualTo("app");
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request -> {
                                assertThat(request.uri()).isEqualTo("/h2c");
                                assertThat(request.headers().contains("upgrade")).isFalse();
                                assertThat(request.headers().contains("http2-settings")).isFalse();
                                assertThat(request.headers().get("connection"))
                                        .isNotEqualToIgnoringCase("upgrade");
                            });
        }
    }

    private static WebSocket open(RunningProxy proxy, WebSocket.Listener listener)
            throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + proxy.address().getPort() + WebSocketBackend.PATH);
        return HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(uri, listener)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Collects whole text messages, one at a time, and the close the server sends. */
    private static final class Inbox implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public @Nullable CompletionStage<?> onText(
                WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onBinary(
                WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onClose(
                WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String message = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(message).as("a message within " + WAIT).isNotNull();
            return message;
        }
    }
}
