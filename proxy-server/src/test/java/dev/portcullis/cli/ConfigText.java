package dev.portcullis.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The YAML of a test configuration: one plain listener and the admin listener on free ports of
 * 127.0.0.1, two event loops, no access log, and the upstreams and routes a test adds.
 */
final class ConfigText {

    private final List<String> upstreams = new ArrayList<>();
    private final List<String> routes = new ArrayList<>();
    private String drainTimeout = "5s";
    private boolean watchConfig;
    private @Nullable String adminToken;

    /** {@code server.drain_timeout} (5s unless given). */
    ConfigText drainTimeout(String value) {
        this.drainTimeout = value;
        return this;
    }

    /** {@code server.watch_config} (false unless given). */
    ConfigText watchConfig(boolean value) {
        this.watchConfig = value;
        return this;
    }

    ConfigText adminToken(String value) {
        this.adminToken = value;
        return this;
    }

    /**
     * An upstream of backends on 127.0.0.1.
     *
     * @param extra more keys of the upstream, each line indented by four spaces, or empty
     */
    ConfigText upstream(String name, String extra, InetSocketAddress... backends) {
        StringBuilder text = new StringBuilder();
        text.append("  - name: ").append(name).append('\n');
        text.append("    backends:\n");
        for (InetSocketAddress backend : backends) {
            text.append("      - url: http://127.0.0.1:").append(backend.getPort()).append('\n');
        }
        text.append(extra);
        upstreams.add(text.toString());
        return this;
    }

    /** A route; routes are matched in the order they are added. */
    ConfigText route(String pathPrefix, String upstream) {
        routes.add("  - path_prefix: " + pathPrefix + "\n    upstream: " + upstream + "\n");
        return this;
    }

    String render() {
        StringBuilder text = new StringBuilder();
        text.append("listeners:\n  - name: public\n    bind: 127.0.0.1:0\n");
        text.append("server:\n  event_loop_threads: 2\n");
        text.append("  drain_timeout: ").append(drainTimeout).append('\n');
        text.append("  watch_config: ").append(watchConfig).append('\n');
        text.append("upstreams:\n");
        upstreams.forEach(text::append);
        text.append("routes:\n");
        routes.forEach(text::append);
        text.append("admin:\n  bind: 127.0.0.1:0\n");
        if (adminToken != null) {
            text.append("  token: \"").append(adminToken).append("\"\n");
        }
        text.append("logging:\n  access_log: \"off\"\n");
        return text.toString();
    }
}
