package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.BackendConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How backend host names become addresses: an IP literal is itself, {@code localhost} gives its
 * IPv4 addresses in a stable order, a name that does not resolve stops a start or a reload with a
 * message naming it, and each address of a name is health-checked on its own.
 */
class DnsResolutionTest {

    /** A name that is in no hosts file; it is only ever looked up in one. */
    private static final String UNRESOLVABLE = "no-such-backend.portcullis.invalid";

    @Test
    void ipv4Literal_resolves_toItselfAlone() throws Exception {
        List<InetAddress> addresses = BackendAddresses.resolve(backend("http://192.0.2.7:8080"));

        assertThat(addresses).containsExactly(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void ipv6Literal_resolves_toItselfAlone() throws Exception {
        List<InetAddress> addresses = BackendAddresses.resolve(backend("http://[2001:db8::1]:80"));

        assertThat(addresses).containsExactly(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void localhost_resolvedTwice_givesIpv4AddressesInTheSameOrder() throws Exception {
        List<InetAddress> first = BackendAddresses.resolve(backend("http://localhost:8080"));
        List<InetAddress> second = BackendAddresses.resolve(backend("http://localhost:8080"));

        assertThat(first).isNotEmpty().allMatch(address -> address instanceof Inet4Address);
        assertThat(first).contains(InetAddress.getByName("127.0.0.1"));
        assertThat(second).isEqualTo(first);
        assertThat(first)
                .extracting(InetAddress::getHostAddress)
                .isSortedAccordingTo(String::compareTo);
    }

    @Test
    void unresolvableName_startAndReload_failWithAMessageNamingTheHost(@TempDir Path dir)
            throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n", StandardCharsets.US_ASCII);

        List<String> lines = probe(hosts, dir.resolve("probe.out"), "unresolvable", UNRESOLVABLE);

        assertThat(lines)
                .anySatisfy(
                        line -> assertThat(line).startsWith("resolve: ").contains(UNRESOLVABLE));
        assertThat(lines)
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("start: ")
                                        .contains("upstream app")
                                        .contains("backend host " + UNRESOLVABLE)
                                        .contains("does not resolve"));
        assertThat(lines)
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("reload: applied=false")
                                        .contains(UNRESOLVABLE));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).startsWith("still: http://127.0.0.1:"));
    }

    @Test
    void nameWithTwoAddresses_activeChecks_probeEachAddressOnItsOwn(@TempDir Path dir)
            throws Exception {
        // 127.0.0.2 is loopback too, but the probe's backend listens on 127.0.0.1 only.
        Path hosts = dir.resolve("hosts");
        Files.writeString(
                hosts,
                "127.0.0.1 localhost\n127.0.0.1 twice.test\n127.0.0.2 twice.test\n",
                StandardCharsets.US_ASCII);

        List<String> lines = probe(hosts, dir.resolve("probe.out"), "checks", "twice.test");

        assertThat(lines)
                .filteredOn(line -> line.startsWith("status: "))
                .satisfiesExactly(
                        first -> assertThat(first).contains("/127.0.0.1 HEALTHY"),
                        second -> assertThat(second).contains("/127.0.0.2 UNHEALTHY"));
    }

    /** Runs {@link HostsFileProbe} in a JVM that resolves names from the hosts file only. */
    private static List<String> probe(Path hosts, Path out, String mode, String host)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process =
                new ProcessBuilder(
                                java.toString(),
                                "-Djdk.net.hosts.file=" + hosts,
                                "-cp",
                                System.getProperty("java.class.path"),
                                HostsFileProbe.class.getName(),
                                mode,
                                host)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        try {
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(exited).as("probe exited; output:%n%s", output).isTrue();
            assertThat(process.exitValue()).as("probe exit code; output:%n%s", output).isZero();
            return output.lines().toList();
        } finally {
            process.destroyForcibly();
        }
    }

    private static BackendConfig backend(String url) {
        return new BackendConfig(URI.create(url), 1);
    }
}
