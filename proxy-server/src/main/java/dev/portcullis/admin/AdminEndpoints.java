package dev.portcullis.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The table of admin paths and what each one answers; a new endpoint is one more entry here. */
final class AdminEndpoints {

    /**
     * The Prometheus text exposition format 0.0.4, which {@link PrometheusMeterRegistry#scrape()}
     * writes. The registry's own constant for it is not public, so it is repeated here.
     */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    static final String JSON = "application/json";

    private static final AdminReply UNAUTHORIZED =
            AdminReply.text(HttpResponseStatus.UNAUTHORIZED, "a valid bearer token is required");
    private static final AdminReply ALIVE = AdminReply.text(HttpResponseStatus.OK, "ok");
    private static final AdminReply READY = AdminReply.text(HttpResponseStatus.OK, "ready");
    private static final AdminReply NOT_READY =
            AdminReply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready");

    private AdminEndpoints() {}

    /**
     * The endpoints every admin listener has: liveness, readiness and metrics.
     *
     * @param ready asked on every {@code /readyz}; it must be cheap and safe to call from any
     *     thread
     */
    static Map<String, AdminEndpoint> standard(
            PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return standard(registry, AdminApi.readinessOnly(ready), new BearerToken(null));
    }

    /**
     * The endpoints of a proxy's admin listener: the standard three, {@code GET /api/upstreams} and
     * {@code POST /api/reload}, which needs the bearer token when one is configured.
     */
    static Map<String, AdminEndpoint> standard(
            PrometheusMeterRegistry registry, AdminApi api, BearerToken token) {
        return Map.of(
                "/healthz", AdminEndpoint.get(() -> ALIVE),
                "/readyz", AdminEndpoint.get(() -> api.ready() ? READY : NOT_READY),
                "/metrics", AdminEndpoint.get(() -> metrics(registry)),
                "/api/upstreams",
                        AdminEndpoint.get(
                                () ->
                                        new AdminReply(
                                                HttpResponseStatus.OK, JSON, api.upstreamsJson())),
                "/api/reload",
                        new AdminEndpoint(
                                List.of(HttpMethod.POST), request -> reload(api, token, request)));
    }

    private static AdminReply reload(AdminApi api, BearerToken token, FullHttpRequest request) {
        if (!token.accepts(request)) {
            return UNAUTHORIZED;
        }
        AdminApi.ReloadAnswer answer = api.reload();
        return AdminReply.text(
                answer.applied() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY,
                answer.message());
    }

    private static AdminReply metrics(PrometheusMeterRegistry registry) {
        return new AdminReply(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
    }
}
