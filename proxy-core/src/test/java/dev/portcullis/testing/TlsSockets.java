package dev.portcullis.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * JDK TLS client sockets for tests that look at the handshake itself: the protocol versions the
 * client enables, the SNI it sends, and the certificate the server presents. The host name is not
 * checked; tests assert on the certificate instead.
 */
public final class TlsSockets {

    private static final int TIMEOUT_MILLIS = 5_000;

    private TlsSockets() {}

    /**
     * Connects to the loopback port, shakes hands and leaves the connection open.
     *
     * @param sni the server name to send, or null to send none
     * @param protocols the protocol versions to enable, such as {@code TLSv1.2}; none for the
     *     context's defaults
     */
    public static SSLSocket connect(
            InetSocketAddress address,
            SSLContext context,
            @Nullable String sni,
            String... protocols)
            throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), address.getPort());
        // Named after the SNI host, as a browser names a connection after its URL: the JDK keys
        // its session cache by that name and resumes with the session's own SNI.
        String peerHost = sni == null ? "127.0.0.1" : sni;
        SSLSocket socket;
        try {
            socket =
                    (SSLSocket)
                            context.getSocketFactory()
                                    .createSocket(plain, peerHost, address.getPort(), true);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        try {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            SSLParameters parameters = socket.getSSLParameters();
            if (protocols.length > 0) {
                parameters.setProtocols(protocols);
            }
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The leaf certificate the server presented. */
    public static X509Certificate peer(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** The DNS names among the subject alternative names of a certificate. */
    public static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) {
                        names.add((String) alternative.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
