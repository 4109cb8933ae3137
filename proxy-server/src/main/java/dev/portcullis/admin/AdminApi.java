package dev.portcullis.admin;

/**
 * What the admin listener asks of the running proxy. Called on the admin thread, never on a proxy
 * event loop, so a reload may take its time there.
 */
public interface AdminApi {

    /** Whether the proxy takes traffic; {@code /readyz} answers 503 when not. */
    boolean ready();

    /** Reloads the configuration file; see {@link ReloadAnswer}. */
    ReloadAnswer reload();

    /** The health and load of every backend, as a JSON document. */
    String upstreamsJson();

    /**
     * The outcome of a reload asked for through {@code POST /api/reload}.
     *
     * @param applied whether the new configuration is being served
     * @param message one line for the operator, with every problem when it was refused
     */
    record ReloadAnswer(boolean applied, String message) {}

    /** An API with only readiness, for an admin listener that has nothing to reload. */
    static AdminApi readinessOnly(java.util.function.BooleanSupplier ready) {
        return new AdminApi() {
            @Override
            public boolean ready() {
                return ready.getAsBoolean();
            }

            @Override
            public ReloadAnswer reload() {
                return new ReloadAnswer(false, "this process has no configuration file to reload");
            }

            @Override
            public String upstreamsJson() {
                return "{\"upstreams\":[]}";
            }
        };
    }
}
