package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection caps are applied at accept, per address and in all; a streamed body is capped. */
class LimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void fourthConnectionFromOneAddress_isClosedAtOnce_whileAnotherAddressIsServed()
            throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .limits(
                                                TestConfigs.limits(
                                                        100, 3, ByteSize.ofMebibytes(10)))
                                        .build())) {
            List<RawClient> admitted = openAdmitted(proxy, 3);
            try (RawClient fourth = RawClient.connect(proxy.address());
                    RawClient other =
                            RawClient.connect(
                                    proxy.address(), InetAddress.getByName("127.0.0.2"), 0)) {

                assertThat(closedAtOnce(fourth)).isTrue();
                assertThat(answer(other)).isEqualTo(200);
                assertThat(answer(admitted.get(0))).isEqualTo(200);
            } finally {
                closeAll(admitted);
            }
        }
    }

    @Test
    void connectionBeyondTotalCap_isClosedAtOnce_fromAnyAddress() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .limits(
                                                TestConfigs.limits(
                                                        3, 100, ByteSize.ofMebibytes(10)))
                                        .build())) {
            List<RawClient> admitted = openAdmitted(proxy, 3);
            try (RawClient other =
                    RawClient.connect(proxy.address(), InetAddress.getByName("127.0.0.2"), 0)) {

                assertThat(closedAtOnce(other)).isTrue();
                assertThat(answer(admitted.get(2))).isEqualTo(200);
            } finally {
                closeAll(admitted);
            }
            // Once the connections are gone, their places are free again.
            await().atMost(WAIT).until(() -> proxy.server().openConnections() == 0);
            try (RawClient later = RawClient.connect(proxy.address())) {
                assertThat(answer(later)).isEqualTo(200);
            }
        }
    }

    @Test
    void chunkedBodyPastMaxBodyBytes_gets413_andNeverReachesBackendWhole() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .limits(
                                                TestConfigs.limits(
                                                        100, 100, ByteSize.ofKibibytes(64)))
                                        .build());
                RawClient raw = RawClient.connect(proxy.address())) {
            raw.write(
                    "POST /upload HTTP/1.1\r\n"
                            + "Host: localhost\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[8 * 1024];
            // 72 KiB in 8 KiB chunks, without the last chunk: the proxy must stop it by itself.
            for (int i = 0; i < 9; i++) {
                raw.write(Integer.toHexString(chunk.length) + "\r\n");
                raw.write(chunk);
                raw.write("\r\n");
            }

            RawClient.Head head = raw.readHead();

            assertThat(head.status()).isEqualTo(413);
            assertThat(backend.requests()).isEmpty();
        }
    }

    /** Opens connections one by one, each admitted by the proxy before the next is opened. */
    private static List<RawClient> openAdmitted(RunningProxy proxy, int count) throws Exception {
        List<RawClient> clients = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            clients.add(RawClient.connect(proxy.address()));
            int expected = i;
            await().atMost(WAIT).until(() -> proxy.server().openConnections() == expected);
        }
        return clients;
    }

    /**
     * Whether the proxy closes the connection without a byte well before any timeout of its own
     * (the header timeout is 10 s) could have closed it.
     */
    private static boolean closedAtOnce(RawClient client) throws Exception {
        client.socket().setSoTimeout(2_000);
        return client.closedWithoutData();
    }

    private static int answer(RawClient client) throws Exception {
        client.get("/");
        RawClient.Head head = client.readHead();
        client.readBodyText(head);
        return head.status();
    }

    private static void closeAll(List<RawClient> clients) throws Exception {
        for (RawClient client : clients) {
            client.close();
        }
    }
}
