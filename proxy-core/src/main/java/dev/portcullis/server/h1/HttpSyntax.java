package dev.portcullis.server.h1;

/**
 * Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112 §3 and §7.1, RFC 3986 §2), as
 * lookup tables indexed by the unsigned byte value.
 */
final class HttpSyntax {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte COLON = ':';

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }

        // field-value: VCHAR, obs-text, SP and HTAB; every other control byte is refused.
        for (int c = 0x21; c <= 0x7e; c++) {
            FIELD_VALUE[c] = true;
        }
        for (int c = 0x80; c <= 0xff; c++) {
            FIELD_VALUE[c] = true;
        }
        FIELD_VALUE[SP] = true;
        FIELD_VALUE[HTAB] = true;

        // request-target: the URI characters of RFC 3986 plus a few that common clients send
        // unencoded in queries ({ } | ^ `). Refused: controls, space, DEL, non-ASCII, and the
        // characters that let the path mean different things to different parsers (" < > \).
        for (int c = 0x21; c <= 0x7e; c++) {
            TARGET[c] = true;
        }
        TARGET['"'] = false;
        TARGET['<'] = false;
        TARGET['>'] = false;
        TARGET['\\'] = false;

        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUE[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUE[c] = (byte) (c - 'a' + 10);
            HEX_VALUE[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    private HttpSyntax() {}

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }

    static boolean isFieldValueByte(byte b) {
        return FIELD_VALUE[b & 0xff];
    }

    static boolean isTargetByte(byte b) {
        return TARGET[b & 0xff];
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hexValue(byte b) {
        return HEX_VALUE[b & 0xff];
    }

    static boolean isOws(byte b) {
        return b == SP || b == HTAB;
    }
}
