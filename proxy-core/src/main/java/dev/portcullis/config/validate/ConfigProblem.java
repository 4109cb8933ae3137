package dev.portcullis.config.validate;

import java.util.Locale;

/**
 * One thing wrong with a configuration, printed as {@code path (line N): message}, for example
 * {@code limits.max_conections (line 7): unknown key; did you mean max_connections?}.
 *
 * @param path where in the YAML tree, such as {@code upstreams[0].backends[1].url}; empty for the
 *     file as a whole
 * @param line the 1-based line in the file, or 0 when no line applies (a missing key at the top, a
 *     file that cannot be read)
 * @param message what is wrong, starting lower case, with the bad value quoted
 */
public record ConfigProblem(String path, int line, String message) {

    private static final int MAX_QUOTED_CHARS = 100;

    /**
     * Renders a value from the file for a message: in double quotes, with quotes, backslashes and
     * invisible characters escaped, so that a value can never break the one-problem-per-line output
     * or hide text, and cut short when it is long.
     */
    public static String quote(String value) {
        StringBuilder quoted = new StringBuilder(Math.min(value.length(), MAX_QUOTED_CHARS) + 8);
        quoted.append('"');
        int end = Math.min(value.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < end; i++) {
            appendEscaped(quoted, value.charAt(i));
        }
        quoted.append('"');
        if (end < value.length()) {
            quoted.append("... (").append(value.length()).append(" characters)");
        }
        return quoted.toString();
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (isInvisible(c)) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }

    // Format characters include the bidirectional overrides that can make text read backwards.
    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE
                || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }

    @Override
    public String toString() {
        if (path.isEmpty()) {
            return line > 0 ? "line " + line + ": " + message : message;
        }
        return line > 0 ? path + " (line " + line + "): " + message : path + ": " + message;
    }
}
