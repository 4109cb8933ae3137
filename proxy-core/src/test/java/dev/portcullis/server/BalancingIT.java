package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every balancing policy spreads real traffic over real backends, and weights are honoured. */
class BalancingIT {

    private static final int CLIENTS = 4;

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void policy_withTwoBackends_sendsTrafficToBoth(BalancePolicy policy) throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestBackend b = TestBackend.start("b");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .balance(policy)
                                        .backend(a.address())
                                        .backend(b.address())
                                        .build())) {

            List<String> answers = sendConcurrently(proxy, 200);

            assertThat(answers).hasSize(200).containsOnly("a", "b");
            // Even a random policy gives each of two equal backends far more than a tenth.
            assertThat(a.requests().size()).isGreaterThan(20);
            assertThat(b.requests().size()).isGreaterThan(20);
        }
    }

    @Test
    void roundRobin_withWeightsThreeToOne_sharesTrafficThreeToOne() throws Exception {
        int requests = 10_000;
        try (TestBackend heavy = TestBackend.start("heavy");
                TestBackend light = TestBackend.start("light");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .balance(BalancePolicy.ROUND_ROBIN)
                                        .backend(heavy.address(), 3)
                                        .backend(light.address(), 1)
                                        .build())) {

            List<String> answers = sendConcurrently(proxy, requests);

            long toHeavy = answers.stream().filter("heavy"::equals).count();
            long toLight = answers.stream().filter("light"::equals).count();
            assertThat(toHeavy + toLight).isEqualTo(requests);
            assertThat(toHeavy).isBetween(Math.round(7500 * 0.95), Math.round(7500 * 1.05));
            assertThat(toLight).isBetween(Math.round(2500 * 0.95), Math.round(2500 * 1.05));
        }
    }

    /**
     * Sends GETs from a few clients at once, each on its own keep-alive connection, and returns the
     * body of every response (the name of the backend that answered).
     */
    private static List<String> sendConcurrently(RunningProxy proxy, int requests)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int share = requests / CLIENTS + (c < requests % CLIENTS ? 1 : 0);
                results.add(pool.submit(() -> sendOnOneConnection(proxy, share)));
            }
            List<String> answers = new ArrayList<>();
            for (Future<List<String>> result : results) {
                answers.addAll(result.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> sendOnOneConnection(RunningProxy proxy, int requests)
            throws Exception {
        List<String> answers = new ArrayList<>(requests);
        try (RawClient client = RawClient.connect(proxy.address())) {
            for (int i = 0; i < requests; i++) {
                client.get("/");
                RawClient.Head head = client.readHead();
                String body = client.readBodyText(head);
                answers.add(head.status() == 200 ? body : "status " + head.status());
            }
        }
        return answers;
    }
}
