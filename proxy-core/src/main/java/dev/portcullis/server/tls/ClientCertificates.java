package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a client that authenticated with a certificate, for the backend. Only a peer
 * certificate that the handshake verified against {@code client_ca_file} is ever reported; a client
 * without one gives {@code null}.
 */
public final class ClientCertificates {

    /**
     * The request header that carries the verified subject to the backend. The proxy must remove it
     * from every incoming request, or a client could claim any identity.
     */
    public static final String SUBJECT_HEADER = "X-Client-Cert-Subject";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ClientCertificates() {}

    /**
     * The subject of the verified client certificate of a connection whose handshake has completed,
     * or {@code null} when the client presented none or the channel has no TLS.
     */
    public static @Nullable String subject(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl == null ? null : subject(ssl.engine().getSession());
    }

    /**
     * The subject distinguished name of the session's client certificate as an RFC 4514 (RFC 2253)
     * string, {@code CN=alice,O=Example}, safe as a header value: every character outside printable
     * ASCII is written as {@code \XX} escapes of its UTF-8 bytes, which RFC 4514 §2.4 allows for
     * any character. {@code null} when the client presented no certificate.
     */
    public static @Nullable String subject(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            return null;
        }
        X500Principal subject = ((X509Certificate) chain[0]).getSubjectX500Principal();
        return headerSafe(subject.getName(X500Principal.RFC2253));
    }

    private static String headerSafe(String name) {
        StringBuilder out = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length()) {
            int codePoint = name.codePointAt(i);
            if (codePoint >= 0x20 && codePoint < 0x7f) {
                out.append((char) codePoint);
            } else {
                for (byte b : new String(Character.toChars(codePoint)).getBytes(UTF_8)) {
                    out.append('\\').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }
}
