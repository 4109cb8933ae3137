package dev.portcullis.config;

import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Endpoint;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Binds {@code listeners}: each needs a unique name and a bind address, and is HTTPS when it has a
 * {@code tls} section. {@code h2c} and {@code redirect_https} belong to plain listeners only, and a
 * redirect needs a TLS listener to send clients to.
 */
final class ListenerBinder {

    /**
     * The listeners that bound completely, and every bind address that parsed (for the port check
     * that also covers the admin listener).
     */
    record Listeners(List<ListenerConfig> configs, List<Located<Endpoint>> binds) {}

    private ListenerBinder() {}

    /**
     * @param paths resolves certificate file names against the configuration file's directory
     */
    static Listeners bind(MappingReader top, ValueParser<Path> paths, Problems problems) {
        List<ListenerConfig> configs = new ArrayList<>();
        List<Located<String>> names = new ArrayList<>();
        List<Located<Endpoint>> binds = new ArrayList<>();
        List<Located<Boolean>> redirects = new ArrayList<>();
        boolean anyTls = false;
        List<MappingReader> items =
                top.requiredItems(
                        "listeners", "listener", "name", "bind", "tls", "h2c", "redirect_https");
        for (MappingReader item : items) {
            String name = item.required("name", Values.name());
            BindAddress bind = item.required("bind", AddressValues.bind());
            TlsConfig tls = tls(item, paths, problems);
            boolean h2c = item.value("h2c", Values.bool(), Boolean.FALSE);
            boolean redirectHttps = item.value("redirect_https", Values.bool(), Boolean.FALSE);

            if (name != null) {
                names.add(item.located("name", name));
            }
            if (bind != null) {
                binds.add(item.located("bind", new Endpoint(bind.host(), bind.port())));
            }
            if (item.has("tls")) {
                anyTls = true;
                plainOnly(item, "h2c", h2c, "; HTTP/2 over TLS is tls.http2", problems);
                plainOnly(item, "redirect_https", redirectHttps, "", problems);
            } else if (redirectHttps) {
                redirects.add(item.located("redirect_https", Boolean.TRUE));
            }
            if (name != null && bind != null) {
                configs.add(new ListenerConfig(name, bind, tls, h2c, redirectHttps));
            }
        }
        CrossChecks.uniqueNames(names, problems);
        CrossChecks.httpsRedirectTargets(redirects, anyTls, problems);
        return new Listeners(configs, binds);
    }

    private static @Nullable TlsConfig tls(
            MappingReader listener, ValueParser<Path> paths, Problems problems) {
        if (!listener.has("tls")) {
            return null;
        }
        return TlsBinder.bind(listener.section("tls", TlsBinder.KEYS), paths, problems);
    }

    /** A switch that only a plain listener may turn on, turned on next to {@code tls}. */
    private static void plainOnly(
            MappingReader listener, String key, boolean on, String hint, Problems problems) {
        if (on) {
            problems.add(
                    listener.pathOf(key),
                    listener.lineOf(key),
                    "only on a plain listener; this listener has tls at "
                            + listener.located("tls", "").where()
                            + hint);
        }
    }
}
