package dev.portcullis.config.validate;

/**
 * A value read from the configuration together with where it was written, so that a check which
 * compares entries can point at each one.
 *
 * @param path the YAML path of the value, such as {@code listeners[1].bind}
 * @param line the 1-based line, or 0 when the value was not written (a default)
 */
public record Located<T>(T value, String path, int line) {

    /** {@code path (line N)}, or just the path when there is no line, for use inside messages. */
    public String where() {
        return line > 0 ? path + " (line " + line + ")" : path;
    }
}
