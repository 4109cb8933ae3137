package dev.portcullis.server.tls;

import java.util.List;

/**
 * One finding about a TLS setting: an error that keeps the setting from being used, or a warning
 * that an operator should act on while the proxy keeps serving (a certificate near expiry).
 *
 * @param severity whether the setting can be used
 * @param setting the setting the finding is about, relative to the listener's {@code tls} block
 *     ({@code certificates[0].key_file}) or to an upstream's ({@code ca_file})
 * @param detail what is wrong, starting with the value received; lower case, no full stop
 */
public record TlsProblem(Severity severity, String setting, String detail) {

    /** Whether a problem keeps the setting from being used. */
    public enum Severity {
        ERROR,
        WARNING
    }

    static TlsProblem error(String setting, String detail) {
        return new TlsProblem(Severity.ERROR, setting, detail);
    }

    static TlsProblem warning(String setting, String detail) {
        return new TlsProblem(Severity.WARNING, setting, detail);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** This problem with its setting placed under {@code parent}, as in {@code certificates[1]}. */
    public TlsProblem under(String parent) {
        return new TlsProblem(severity, parent + "." + setting, detail);
    }

    /** {@code setting: detail}, the form used in logs and error output. */
    public String message() {
        return setting + ": " + detail;
    }

    /** Whether any of {@code problems} is an error. */
    public static boolean anyError(List<TlsProblem> problems) {
        return problems.stream().anyMatch(TlsProblem::isError);
    }

    @Override
    public String toString() {
        return message();
    }
}
