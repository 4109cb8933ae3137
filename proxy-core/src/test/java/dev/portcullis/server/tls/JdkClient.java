package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * A JDK {@link SSLSocket} client with chosen SNI, protocols, suites and ALPN offers; it does not
 * check the host name, tests assert on the certificate it was given instead.
 */
final class JdkClient {

    private static final int TIMEOUT_MILLIS = 5_000;

    private final int port;
    private final SSLContext context;
    private @Nullable String sni;
    private List<String> protocols = TlsPolicy.PROTOCOLS;
    private @Nullable List<String> suites;
    private List<String> alpn = List.of();

    private JdkClient(int port, SSLContext context) {
        this.port = port;
        this.context = context;
    }

    static JdkClient to(int port, SSLContext context) {
        return new JdkClient(port, context);
    }

    JdkClient sni(String hostName) {
        this.sni = hostName;
        return this;
    }

    JdkClient protocols(String... protocols) {
        this.protocols = List.of(protocols);
        return this;
    }

    JdkClient suites(String... suites) {
        this.suites = List.of(suites);
        return this;
    }

    JdkClient alpn(String... protocols) {
        this.alpn = List.of(protocols);
        return this;
    }

    /**
     * Connects, completes the handshake, and leaves the connection open. The socket is opened to
     * 127.0.0.1 and then named after the SNI host, as a browser names it after the URL: the JDK
     * keys its session cache by that name, and when it resumes a session it sends the SNI of the
     * session, so sessions of different names must not share a key.
     */
    Connection open() throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        String peerHost = sni == null ? plain.getInetAddress().getHostAddress() : sni;
        SSLSocket socket;
        try {
            socket =
                    (SSLSocket)
                            context.getSocketFactory().createSocket(plain, peerHost, port, true);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        try {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(protocols.toArray(new String[0]));
            if (suites != null) {
                parameters.setCipherSuites(suites.toArray(new String[0]));
            }
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
            }
            parameters.setApplicationProtocols(alpn.toArray(new String[0]));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects, exchanges one request and reply, closes, and tells what was negotiated. */
    Connection.Summary handshake() throws IOException {
        try (Connection connection = open()) {
            String reply = connection.exchange();
            return new Connection.Summary(
                    connection.protocol(),
                    connection.cipherSuite(),
                    connection.applicationProtocol(),
                    connection.peer(),
                    reply);
        }
    }

    /**
     * The reply of one exchange, or {@code refused: } and the exception when the handshake or the
     * exchange fails; with TLS 1.3 a refused client certificate only shows at the first read.
     */
    String attempt() {
        try {
            return handshake().reply();
        } catch (IOException e) {
            return "refused: " + e;
        }
    }

    /** An open TLS connection to the test server. */
    static final class Connection implements AutoCloseable {
        /** What one connection negotiated and received. */
        record Summary(
                String protocol,
                String cipherSuite,
                String applicationProtocol,
                X509Certificate peer,
                String reply) {}

        private final SSLSocket socket;

        private Connection(SSLSocket socket) {
            this.socket = socket;
        }

        /** Sends a request and reads the server's reply. */
        /** The session, for resumption checks. */
        javax.net.ssl.SSLSession session() {
            return socket.getSession();
        }

        String exchange() throws IOException {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(US_ASCII));
            socket.getOutputStream().flush();
            byte[] reply = socket.getInputStream().readNBytes(TlsTestServer.REPLY.length);
            return new String(reply, US_ASCII);
        }

        String protocol() {
            return socket.getSession().getProtocol();
        }

        String cipherSuite() {
            return socket.getSession().getCipherSuite();
        }

        /** The ALPN protocol, or the empty string when none was agreed. */
        String applicationProtocol() {
            String protocol = socket.getApplicationProtocol();
            return protocol == null ? "" : protocol;
        }

        X509Certificate peer() throws IOException {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
