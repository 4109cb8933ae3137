package dev.portcullis.server.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {

    private static InetAddress address(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void perIpCap_reached_refusesOnlyThatAddress() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(100, 2);

        assertThat(guard.tryAdmit(address(1))).isEqualTo(ConnectionGuard.Admission.ADMITTED);
        assertThat(guard.tryAdmit(address(1))).isEqualTo(ConnectionGuard.Admission.ADMITTED);
        assertThat(guard.tryAdmit(address(1))).isEqualTo(ConnectionGuard.Admission.PER_IP_LIMIT);
        assertThat(guard.tryAdmit(address(2))).isEqualTo(ConnectionGuard.Admission.ADMITTED);
        assertThat(guard.openConnections()).isEqualTo(3);
    }

    @Test
    void totalCap_reached_refusesEveryAddress() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(2, 2);
        guard.tryAdmit(address(1));
        guard.tryAdmit(address(2));

        assertThat(guard.tryAdmit(address(3))).isEqualTo(ConnectionGuard.Admission.TOTAL_LIMIT);
        assertThat(guard.openConnections()).isEqualTo(2);
    }

    @Test
    void release_freesTheSlotAndForgetsTheAddress() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(100, 1);
        guard.tryAdmit(address(1));

        guard.release(address(1));

        assertThat(guard.trackedAddresses()).isZero();
        assertThat(guard.openConnections()).isZero();
        assertThat(guard.tryAdmit(address(1))).isEqualTo(ConnectionGuard.Admission.ADMITTED);
    }

    @Test
    void manyAddresses_connectAndLeave_leaveNothingBehind() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(1000, 10);
        for (int i = 0; i < 200; i++) {
            guard.tryAdmit(address(i));
        }
        for (int i = 0; i < 200; i++) {
            guard.release(address(i));
        }

        assertThat(guard.trackedAddresses()).isZero();
    }
}
