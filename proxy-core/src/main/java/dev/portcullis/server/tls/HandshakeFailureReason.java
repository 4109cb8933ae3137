package dev.portcullis.server.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Why a TLS handshake failed, as the bounded {@code reason} tag of {@code
 * portcullis_tls_handshake_failures_total}.
 *
 * <p>Neither provider exposes the TLS alert as a value, so the reason is read from the exception
 * type and, for {@link SSLException}s, from the message wording of BoringSSL and of the JDK. A
 * wording neither provider uses counts as {@link #OTHER}.
 */
public enum HandshakeFailureReason {
    /** The client offered only protocols older than TLS 1.2 (or newer than 1.3). */
    PROTOCOL_VERSION("protocol_version"),
    /** The client offered none of the policy's cipher suites: CBC, RSA key exchange, DHE. */
    NO_SHARED_CIPHER("no_shared_cipher"),
    /**
     * The client refused the proxy's certificate: it answered with the alert {@code unknown_ca},
     * {@code certificate_unknown}, {@code bad_certificate} or {@code certificate_expired}. Many at
     * once usually mean a missing intermediate or an expired certificate.
     */
    UNKNOWN_CA("unknown_ca"),
    /** The client's own certificate was missing or did not verify against client_ca_file. */
    BAD_CERTIFICATE("bad_certificate"),
    /** The handshake did not finish within the handshake timeout. */
    TIMEOUT("timeout"),
    /**
     * The client closed or reset the connection before the handshake finished; load balancers' TCP
     * health checks, which connect and close, count here too.
     */
    CLOSED("closed"),
    /** The client sent something that is not TLS, such as plain HTTP to the TLS port. */
    NOT_TLS("not_tls"),
    /** Anything else, an oversized ClientHello included. */
    OTHER("other");

    private static final int MAX_CAUSE_DEPTH = 8;

    // Alerts the client sent about the proxy's certificate.
    private static final List<String> PEER_REFUSED_CERTIFICATE =
            List.of(
                    "ALERT_UNKNOWN_CA",
                    "ALERT_CERTIFICATE_UNKNOWN",
                    "ALERT_BAD_CERTIFICATE",
                    "ALERT_CERTIFICATE_EXPIRED",
                    "RECEIVED FATAL ALERT: UNKNOWN_CA",
                    "RECEIVED FATAL ALERT: CERTIFICATE_UNKNOWN",
                    "RECEIVED FATAL ALERT: BAD_CERTIFICATE",
                    "RECEIVED FATAL ALERT: CERTIFICATE_EXPIRED");

    // The proxy's checks of the client's certificate.
    private static final List<String> CLIENT_CERTIFICATE =
            List.of(
                    "PEER_DID_NOT_RETURN_A_CERTIFICATE",
                    "CERTIFICATE_VERIFY_FAILED",
                    "EMPTY CLIENT CERTIFICATE CHAIN",
                    "NULL CERT CHAIN",
                    "PKIX PATH",
                    "VALID CERTIFICATION PATH",
                    "CERTIFICATE_REQUIRED");

    private static final List<String> PROTOCOL =
            List.of(
                    "UNSUPPORTED_PROTOCOL",
                    "PROTOCOL_VERSION",
                    "WRONG_VERSION_NUMBER",
                    "CLIENT REQUESTED PROTOCOL",
                    "NO APPROPRIATE PROTOCOL");

    private static final List<String> CIPHER =
            List.of("NO_SHARED_CIPHER", "NO CIPHER SUITES IN COMMON", "NO_CIPHERS_AVAILABLE");

    private final String tag;

    HandshakeFailureReason(String tag) {
        this.tag = tag;
    }

    /** The metric tag value, such as {@code no_shared_cipher}. */
    public String tag() {
        return tag;
    }

    /** The reason for a handshake failure or an exception raised during the handshake. */
    public static HandshakeFailureReason of(@Nullable Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            HandshakeFailureReason reason = ofType(t);
            if (reason != null) {
                return reason;
            }
        }
        return OTHER;
    }

    private static @Nullable HandshakeFailureReason ofType(Throwable t) {
        if (t instanceof SslHandshakeTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof NotSslRecordException) {
            return NOT_TLS;
        }
        if (t instanceof ClosedChannelException) {
            return CLOSED;
        }
        if (t instanceof SSLException) {
            return ofMessage(t.getMessage());
        }
        if (t instanceof CertificateException) {
            // A server verifies only client certificates; OpenSSL wraps its trust manager's
            // refusal in a generic engine exception.
            return BAD_CERTIFICATE;
        }
        if (t instanceof IOException) {
            return CLOSED; // reset by peer, broken pipe
        }
        return null;
    }

    private static @Nullable HandshakeFailureReason ofMessage(@Nullable String message) {
        if (message == null) {
            return null;
        }
        String text = message.toUpperCase(Locale.ROOT);
        if (containsAny(text, PEER_REFUSED_CERTIFICATE)) {
            return UNKNOWN_CA;
        }
        if (containsAny(text, CLIENT_CERTIFICATE)) {
            return BAD_CERTIFICATE;
        }
        if (containsAny(text, PROTOCOL)) {
            return PROTOCOL_VERSION;
        }
        if (containsAny(text, CIPHER)) {
            return NO_SHARED_CIPHER;
        }
        return null;
    }

    private static boolean containsAny(String text, List<String> needles) {
        for (String needle : needles) {
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
