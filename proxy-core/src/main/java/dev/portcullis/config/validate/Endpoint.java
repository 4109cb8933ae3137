package dev.portcullis.config.validate;

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

    private boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
