package dev.portcullis.server.tls;

import java.util.List;
import java.util.stream.Collectors;

/**
 * TLS settings that cannot be used: a missing or unreadable file, a key that does not belong to its
 * certificate, an expired certificate. Carries every problem found, errors and warnings, so that
 * one run reports them all.
 */
public final class TlsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // an immutable list of records; never serialized in practice
    private final List<TlsProblem> problems;

    public TlsConfigException(List<TlsProblem> problems) {
        super(problems.stream().map(TlsProblem::message).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found. */
    public List<TlsProblem> problems() {
        return problems;
    }
}
