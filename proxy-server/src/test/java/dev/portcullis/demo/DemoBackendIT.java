package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.BindAddress;
import dev.portcullis.testing.RawHttpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DemoBackendIT {

    private static final String NAME = "backend-1";
    private static final BindAddress ANY_PORT = new BindAddress("127.0.0.1", 0);
    private static final HttpClient CLIENT =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    private DemoBackend backend;

    @BeforeEach
    void startBackend() {
        backend = DemoBackend.start(NAME, ANY_PORT);
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @Test
    void home_get_namesTheBackendInTitleAndHeading() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/html; charset=utf-8");
        assertThat(response.body())
                .contains("<title>Portcullis demo backend backend-1</title>")
                .contains("<h1>Portcullis demo backend backend-1</h1>")
                .contains("/echo", "/status/", "/bytes/", "/slow/", "/ws");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/echo", "/status/503", "/bytes/10", "/slow/0", "/ws", "/nope"})
    void anyPath_get_carriesBackendHeader(String path) throws Exception {
        HttpResponse<String> response = get(path);

        assertThat(response.headers().firstValue("x-demo-backend")).hasValue(NAME);
    }

    @Test
    void echo_get_describesTheRequestAsItArrived() throws Exception {
        HttpRequest request =
                request("/echo/some/where?b=2&a=1")
                        .header("X-Repeated", "first")
                        .header("X-Repeated", "second")
                        .header("X-Awkward", "quote \" backslash \\ done")
                        .GET()
                        .build();

        HttpResponse<String> response = CLIENT.send(request, BodyHandlers.ofString());
        Map<String, Object> echo = TestJson.parseObject(response.body());

        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(echo)
                .containsEntry("backend", NAME)
                .containsEntry("method", "GET")
                .containsEntry("path", "/echo/some/where")
                .containsEntry("query", "b=2&a=1")
                .containsEntry("body_length", 0L);
        assertThat(headers(echo))
                .containsEntry("x-repeated", List.of("first", "second"))
                .containsEntry("x-awkward", List.of("quote \" backslash \\ done"));
    }

    @Test
    void echo_streamedPostOf8MiB_countsEveryByte() throws Exception {
        long size = 8L * 1024 * 1024;
        // An InputStream publisher has no length, so the body goes out chunked as it is read.
        HttpRequest request =
                request("/echo")
                        .POST(BodyPublishers.ofInputStream(() -> new ZeroStream(size)))
                        .build();

        HttpResponse<String> response = CLIENT.send(request, BodyHandlers.ofString());
        Map<String, Object> echo = TestJson.parseObject(response.body());

        assertThat(echo).containsEntry("method", "POST").containsEntry("body_length", size);
        assertThat(headers(echo)).containsEntry("transfer-encoding", List.of("chunked"));
    }

    @Test
    void echo_expectContinue_readsTheBodyAfterInterimAnswer() throws Exception {
        HttpRequest request =
                request("/echo")
                        .expectContinue(true)
                        .POST(BodyPublishers.ofString("hello"))
                        .build();

        HttpResponse<String> response = CLIENT.send(request, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestJson.parseObject(response.body())).containsEntry("body_length", 5L);
    }

    @Test
    void bytes_count_sendsExactlyThatManyWithContentLength() throws Exception {
        int size = 3 * RepeatingBytesInput.CHUNK_BYTES + 123;

        HttpResponse<byte[]> response =
                CLIENT.send(request("/bytes/" + size).GET().build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(size);
        assertThat(response.body()).hasSize(size);
    }

    @Test
    void bytes_overOneGibibyte_answers400() throws Exception {
        HttpResponse<String> response = get("/bytes/" + (DemoRequestHandler.MAX_BYTES + 1));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestJson.parseObject(response.body()))
                .hasEntrySatisfying(
                        "error", error -> assertThat(error).asString().contains("bytes"));
    }

    @ParameterizedTest
    @CsvSource({"418, 418", "503, 503", "200, 200", "100, 200", "0, 200", "700, 599"})
    void status_code_answersThatCodeClampedToFinalRange(String asked, int expected)
            throws Exception {
        HttpResponse<String> response = get("/status/" + asked);

        assertThat(response.statusCode()).isEqualTo(expected);
    }

    @Test
    void status_notANumber_answers400() throws Exception {
        HttpResponse<String> response = get("/status/teapot");

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void slow_delay_answersNoSoonerThanAsked() throws Exception {
        long delayMillis = 300;
        long started = System.nanoTime();

        HttpResponse<String> response = get("/slow/" + delayMillis);

        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(delayMillis);
        assertThat(TestJson.parseObject(response.body())).containsEntry("delay_ms", delayMillis);
    }

    @Test
    void slow_overOneMinute_answers400() throws Exception {
        HttpResponse<String> response = get("/slow/" + (DemoRequestHandler.MAX_DELAY_MILLIS + 1));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void pipelined_slowThenFast_answersInRequestOrder() throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(backend.address())) {
            connection.send(rawGet("/slow/200") + rawGet("/status/201"));

            RawHttpConnection.Response first = connection.readResponse(false);
            RawHttpConnection.Response second = connection.readResponse(false);

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("delay_ms");
            assertThat(second.status()).isEqualTo(201);
        }
    }

    @Test
    void webSocket_textMessage_isEchoed() throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket socket =
                CLIENT.newWebSocketBuilder()
                        .buildAsync(uri("/ws", "ws"), new TextCollector(echoed))
                        .get(10, TimeUnit.SECONDS);

        socket.sendText("through the portcullis", true).get(10, TimeUnit.SECONDS);

        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("through the portcullis");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void ws_plainGet_answers426() throws Exception {
        HttpResponse<String> response = get("/ws");

        assertThat(response.statusCode()).isEqualTo(426);
        assertThat(response.headers().firstValue("upgrade")).hasValue("websocket");
    }

    @Test
    void unknownPath_get_answers404Json() throws Exception {
        HttpResponse<String> response = get("/no/such/thing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestJson.parseObject(response.body())).isEqualTo(Map.of("error", "not found"));
    }

    @Test
    void start_invalidName_isRefused() {
        assertThatThrownBy(() -> DemoBackend.start("bad name\r\n", ANY_PORT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo backend name");
    }

    @Test
    void start_portTaken_failsNamingTheAddress() {
        BindAddress taken = new BindAddress("127.0.0.1", backend.address().getPort());

        assertThatThrownBy(() -> DemoBackend.start("backend-2", taken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(taken.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> headers(Map<String, Object> echo) {
        return (Map<String, List<String>>) Objects.requireNonNull(echo.get("headers"));
    }

    private static String rawGet(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: demo\r\n\r\n";
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(request(path).GET().build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path, "http")).timeout(Duration.ofSeconds(10));
    }

    private URI uri(String path, String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + backend.address().getPort() + path);
    }

    /** Completes with the first whole text message. */
    private static final class TextCollector implements WebSocket.Listener {

        private final CompletableFuture<String> message;
        private final StringBuilder text = new StringBuilder();

        TextCollector(CompletableFuture<String> message) {
            this.message = message;
        }

        @Override
        public @Nullable CompletionStage<?> onText(
                WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                message.complete(text.toString());
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            message.completeExceptionally(error);
        }
    }

    /** A body of zeros of a given length, produced as it is read. */
    private static final class ZeroStream extends InputStream {

        private long remaining;

        ZeroStream(long length) {
            this.remaining = length;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int count = (int) Math.min(length, remaining);
            Arrays.fill(buffer, offset, offset + count, (byte) 0);
            remaining -= count;
            return count;
        }
    }
}
