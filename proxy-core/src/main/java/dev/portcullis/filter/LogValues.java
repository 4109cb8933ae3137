package dev.portcullis.filter;

/** Keeps client-controlled text in log lines short and on one line. */
public final class LogValues {

    private static final int MAX_LENGTH = 256;

    private LogValues() {}

    /** The value cut to 256 characters, with control characters replaced by '?'. */
    public static String truncated(String value) {
        int length = Math.min(value.length(), MAX_LENGTH);
        boolean clean = length == value.length();
        for (int i = 0; i < length && clean; i++) {
            char c = value.charAt(i);
            clean = c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
        }
        if (clean) {
            return value;
        }
        StringBuilder out = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        if (length < value.length()) {
            out.append("...");
        }
        return out.toString();
    }
}
