package dev.portcullis.config;

import dev.portcullis.config.source.YamlNode;
import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Endpoint;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import dev.portcullis.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Walks a substituted YAML tree section by section and builds the {@link ProxyConfig}. It never
 * stops at a problem: a value that is refused is reported and replaced by its default (or left
 * out), so that the rest of the file is still checked and the operator sees every problem at once.
 *
 * <p>File names in the configuration are resolved against one base directory, the directory of the
 * configuration file, so the same file means the same wherever the process starts.
 */
final class ConfigBinder {

    private static final ValueParser<Integer> EVENT_LOOP_THREADS = Values.integer(0, 1024);
    private static final ValueParser<Duration> DRAIN_TIMEOUT =
            Values.duration(Duration.ZERO, Duration.ofMinutes(10));

    /**
     * The admin settings, and where the admin listener binds when it is enabled and its address
     * parsed, for the shared-port check.
     */
    private record Admin(AdminConfig config, @Nullable Located<Endpoint> bind) {}

    private ConfigBinder() {}

    /**
     * The configuration, or {@code null} when there is any problem, this binding's or earlier.
     *
     * @param baseDirectory the directory that relative file names are resolved against
     */
    static @Nullable ProxyConfig bind(YamlNode document, Path baseDirectory, Problems problems) {
        MappingReader top =
                MappingReader.root(
                        document,
                        problems,
                        "listeners",
                        "server",
                        "client_ip",
                        "limits",
                        "upstreams",
                        "routes",
                        "admin",
                        "logging");
        ValueParser<Path> paths = Values.path(baseDirectory);
        ListenerBinder.Listeners listeners = ListenerBinder.bind(top, paths, problems);
        ServerConfig server =
                server(
                        top.section(
                                "server",
                                "event_loop_threads",
                                "transport",
                                "drain_timeout",
                                "watch_config"));
        ClientIpConfig clientIp = clientIp(top.section("client_ip", "trusted_proxies"), problems);
        LimitsConfig limits = LimitsBinder.bind(top.section("limits", LimitsBinder.KEYS), problems);
        UpstreamBinder.Upstreams upstreams = UpstreamBinder.bind(top, paths, problems);
        List<RouteConfig> routes = RouteBinder.bind(top, upstreams.names(), problems);
        Admin admin = admin(top.section("admin", "enabled", "bind", "token"), problems);
        LoggingConfig logging = logging(top.section("logging", "access_log"));

        checkSharedPorts(listeners, admin, problems);

        if (!problems.isEmpty()) {
            return null;
        }
        return new ProxyConfig(
                listeners.configs(),
                server,
                clientIp,
                limits,
                upstreams.configs(),
                routes,
                admin.config(),
                logging);
    }

    /** The admin listener is checked last, so a clash is reported at {@code admin.bind}. */
    private static void checkSharedPorts(
            ListenerBinder.Listeners listeners, Admin admin, Problems problems) {
        List<Located<Endpoint>> binds = new ArrayList<>(listeners.binds());
        Located<Endpoint> adminBind = admin.bind();
        if (adminBind != null) {
            binds.add(adminBind);
        }
        CrossChecks.noSharedPorts(binds, problems);
    }

    private static ServerConfig server(MappingReader section) {
        ServerConfig defaults = ServerConfig.defaults();
        return new ServerConfig(
                section.value(
                        "event_loop_threads", EVENT_LOOP_THREADS, defaults.eventLoopThreads()),
                section.value(
                        "transport", Values.choice(TransportChoice.class), defaults.transport()),
                section.value("drain_timeout", DRAIN_TIMEOUT, defaults.drainTimeout()),
                section.value("watch_config", Values.bool(), defaults.watchConfig()));
    }

    private static ClientIpConfig clientIp(MappingReader section, Problems problems) {
        List<Cidr> trusted = new ArrayList<>();
        for (Located<YamlNode.Scalar> item : section.scalarItems("trusted_proxies")) {
            Cidr block =
                    MappingReader.parseScalar(item.value(), item.path(), Values.cidr(), problems);
            if (block != null) {
                trusted.add(block);
            }
        }
        return new ClientIpConfig(trusted);
    }

    /**
     * The admin listener. Its token is a secret: an empty value (such as an unset {@code
     * ${PORTCULLIS_ADMIN_TOKEN:-}}) means no token, and a refused one is never printed.
     */
    private static Admin admin(MappingReader section, Problems problems) {
        boolean enabled = section.value("enabled", Values.bool(), Boolean.TRUE);
        BindAddress given = section.value("bind", AddressValues.bind());
        String token = section.valueUnlessEmpty("token", Values.secret());
        if (!enabled) {
            return new Admin(new AdminConfig(null, null), null);
        }
        if (given == null && section.has("bind")) {
            return new Admin(new AdminConfig(AdminConfig.DEFAULT_BIND, token), null);
        }
        BindAddress bind = given == null ? AdminConfig.DEFAULT_BIND : given;
        Located<Endpoint> where = section.located("bind", new Endpoint(bind.host(), bind.port()));
        boolean tokenWritten =
                token != null
                        || problems.hasProblemAt(section.pathOf("token"), section.lineOf("token"));
        CrossChecks.adminTokenOutsideLoopback(where, tokenWritten, problems);
        return new Admin(new AdminConfig(bind, token), where);
    }

    private static LoggingConfig logging(MappingReader section) {
        return new LoggingConfig(
                section.value(
                        "access_log",
                        Values.choice(AccessLogFormat.class),
                        LoggingConfig.defaults().accessLog()));
    }
}
