package dev.portcullis.upstream;

/** Reads the {@code timeout} parameter of a backend's {@code Keep-Alive} response header. */
final class KeepAliveTimeout {

    private KeepAliveTimeout() {}

    /** The {@code timeout=N} value in seconds, or -1 when absent or malformed. */
    static long parseSeconds(String header) {
        int at = indexOfIgnoreCase(header, "timeout");
        if (at < 0) {
            return -1;
        }
        int i = at + "timeout".length();
        while (i < header.length() && header.charAt(i) == ' ') {
            i++;
        }
        if (i >= header.length() || header.charAt(i) != '=') {
            return -1;
        }
        i++;
        while (i < header.length() && header.charAt(i) == ' ') {
            i++;
        }
        long seconds = 0;
        int digits = 0;
        while (i < header.length() && Character.isDigit(header.charAt(i)) && digits < 9) {
            seconds = seconds * 10 + (header.charAt(i) - '0');
            digits++;
            i++;
        }
        return digits == 0 ? -1 : seconds;
    }

    private static int indexOfIgnoreCase(String text, String word) {
        int last = text.length() - word.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return i;
            }
        }
        return -1;
    }
}
