package dev.portcullis.server.tls;

import java.util.List;

/**
 * The outcome of {@link ServerTlsContexts#reload()}.
 *
 * @param applied whether the new contexts replaced the old ones; {@code false} when any problem is
 *     an error, in which case the old contexts keep serving
 * @param problems every problem found: the errors that refused the reload, or the warnings of the
 *     applied one
 */
public record ReloadResult(boolean applied, List<TlsProblem> problems) {

    public ReloadResult {
        problems = List.copyOf(problems);
    }
}
