package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;

/**
 * A hand-written TLS ClientHello for the offers a JDK client refuses to send (TLS 1.0 and 1.1, and
 * on newer JDKs the TLS_RSA suites), and a reader of the server's first record. Only the
 * ClientHello is sent; the test looks at whether the server answers with a ServerHello or an alert.
 */
public final class RawClientHello {

    public static final int TLS_1_0 = 0x0301;
    public static final int TLS_1_1 = 0x0302;
    public static final int TLS_1_2 = 0x0303;

    public static final int ALERT_HANDSHAKE_FAILURE = 40;
    public static final int ALERT_PROTOCOL_VERSION = 70;

    private static final int RECORD_HANDSHAKE = 22;
    private static final int RECORD_ALERT = 21;
    private static final int SERVER_HELLO = 2;

    /** The server's first answer: a ServerHello, an alert, or nothing before closing. */
    public record Answer(boolean serverHello, int alert) {
        static final int NONE = -1;

        @Override
        public String toString() {
            return serverHello ? "ServerHello" : alert == NONE ? "closed" : "alert " + alert;
        }
    }

    private RawClientHello() {}

    /**
     * Sends a ClientHello for {@code sni} with {@code version} and only {@code suites}, and reads
     * the answer.
     */
    public static Answer send(int port, String sni, int version, int... suites) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(record(sni, version, suites));
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                int type = in.readUnsignedByte();
                in.readUnsignedShort(); // record version
                byte[] body = new byte[in.readUnsignedShort()];
                in.readFully(body);
                if (type == RECORD_HANDSHAKE && body.length > 0 && body[0] == SERVER_HELLO) {
                    return new Answer(true, Answer.NONE);
                }
                if (type == RECORD_ALERT && body.length == 2) {
                    return new Answer(false, body[1]);
                }
                return new Answer(false, Answer.NONE);
            } catch (EOFException e) {
                return new Answer(false, Answer.NONE);
            }
        }
    }

    /** The bytes of one ClientHello record. */
    public static byte[] record(String sni, int version, int... suites) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.writeBytes(random);
        hello.write(0); // no session id
        u16(hello, suites.length * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1); // one compression method: null
        hello.write(0);
        byte[] extensions = extensions(sni);
        u16(hello, extensions.length);
        hello.writeBytes(extensions);

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1); // client_hello
        u24(handshake, hello.size());
        handshake.writeBytes(hello.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(RECORD_HANDSHAKE);
        u16(record, TLS_1_0);
        u16(record, handshake.size());
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static byte[] extensions(String sni) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] name = sni.getBytes(US_ASCII);
        extension(out, 0x0000, 2 + 1 + 2 + name.length); // server_name
        u16(out, 1 + 2 + name.length);
        out.write(0);
        u16(out, name.length);
        out.writeBytes(name);
        // supported_groups: x25519, secp256r1, secp384r1, and ffdhe2048 so that a DHE suite is
        // refused by the policy rather than for want of a finite-field group (RFC 7919 §4).
        extension(out, 0x000a, 10);
        u16(out, 8);
        u16(out, 0x001d);
        u16(out, 0x0017);
        u16(out, 0x0018);
        u16(out, 0x0100);
        extension(out, 0x000b, 2); // ec_point_formats: uncompressed
        out.write(1);
        out.write(0);
        int[] signatures = {0x0403, 0x0503, 0x0804, 0x0805, 0x0401, 0x0501, 0x0201, 0x0203};
        extension(out, 0x000d, 2 + signatures.length * 2); // signature_algorithms
        u16(out, signatures.length * 2);
        for (int signature : signatures) {
            u16(out, signature);
        }
        extension(out, 0x0017, 0); // extended_master_secret
        extension(out, 0xff01, 1); // renegotiation_info, empty
        out.write(0);
        return out.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, int length) {
        u16(out, type);
        u16(out, length);
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void u24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16);
        u16(out, value & 0xffff);
    }
}
