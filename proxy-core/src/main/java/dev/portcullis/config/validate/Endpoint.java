package dev.portcullis.config.validate;

import io.netty.util.NetUtil;

/**
 * An address and port that a socket binds, as compared by {@link CrossChecks#noSharedPorts}.
 *
 * @param host an IP address in its canonical form ({@code 0.0.0.0}, {@code ::1}) or {@code
 *     localhost}
 * @param port 0 to 65535; 0 asks the system for a free port and so never clashes
 */
public record Endpoint(String host, int port) {

    /**
     * Whether two sockets bound to these endpoints would fight over the port: the same port on the
     * same address, or on any address when either binds every address of the host.
     */
    public boolean clashesWith(Endpoint other) {
        if (port == 0 || port != other.port) {
            return false;
        }
        return host.equals(other.host) || isWildcard() || other.isWildcard();
    }

    /**
     * Whether only processes on this host can reach the endpoint: {@code localhost}, an address in
     * {@code 127.0.0.0/8}, {@code ::1}, or an IPv4-mapped loopback address. The wildcard addresses
     * are not loopback: they accept connections from everywhere.
     */
    public boolean isLoopback() {
        if (host.equals("localhost")) {
            return true;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            return false;
        }
        if (address.length == 4) {
            return address[0] == 127;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        boolean mapped = address[10] == (byte) 0xff && address[11] == (byte) 0xff;
        boolean zero = address[10] == 0 && address[11] == 0;
        if (mapped) {
            return address[12] == 127;
        }
        return zero && address[12] == 0 && address[13] == 0 && address[14] == 0 && address[15] == 1;
    }

    private boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
