package dev.portcullis.upstream;

import dev.portcullis.config.BackendConfig;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Resolves a backend's host to the addresses it is served at. An IP literal is itself; a name may
 * have several addresses (as behind an auto-scaling group), each a backend of its own. When a name
 * has both IPv4 and IPv6 addresses only the IPv4 ones are used, as most backends listen on IPv4
 * only. Blocks on DNS: call it off the event loops.
 */
public final class BackendAddresses {

    private BackendAddresses() {}

    /** The addresses in a stable order, so two resolutions can be compared. */
    public static List<InetAddress> resolve(BackendConfig backend) throws UnknownHostException {
        String host = backend.host();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            return List.of(InetAddress.getByAddress(literal));
        }
        InetAddress[] all = InetAddress.getAllByName(host);
        List<InetAddress> ipv4 = new ArrayList<>();
        for (InetAddress address : all) {
            if (address instanceof Inet4Address) {
                ipv4.add(address);
            }
        }
        List<InetAddress> chosen = ipv4.isEmpty() ? new ArrayList<>(Arrays.asList(all)) : ipv4;
        chosen.sort(Comparator.comparing(InetAddress::getHostAddress));
        return List.copyOf(chosen);
    }
}
