package dev.portcullis.config;

/** A one-line description of a configuration, for start-up and reload logs. */
public final class ConfigSummary {

    private ConfigSummary() {}

    /**
     * Describes the configuration in one line, such as {@code 2 listeners, 1 upstream with 2
     * backends, 3 routes, admin on 127.0.0.1:9901}; a disabled admin listener reads {@code admin
     * off}.
     */
    public static String describe(ProxyConfig config) {
        int backends = 0;
        for (UpstreamConfig upstream : config.upstreams()) {
            backends += upstream.backends().size();
        }
        BindAddress admin = config.admin().bind();
        return count(config.listeners().size(), "listener")
                + ", "
                + count(config.upstreams().size(), "upstream")
                + " with "
                + count(backends, "backend")
                + ", "
                + count(config.routes().size(), "route")
                + ", "
                + (admin == null ? "admin off" : "admin on " + admin);
    }

    private static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
