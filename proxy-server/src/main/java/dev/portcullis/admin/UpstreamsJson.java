package dev.portcullis.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.health.BackendStatus;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The document {@code GET /api/upstreams} answers: per upstream, per backend, its health state,
 * ejection, requests in flight and open connections.
 */
public final class UpstreamsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private UpstreamsJson() {}

    public static String render(
            Map<String, Upstream> upstreams, Map<String, List<BackendStatus>> statuses) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeArrayFieldStart("upstreams");
            for (Upstream upstream : upstreams.values()) {
                json.writeStartObject();
                json.writeStringField("name", upstream.name());
                json.writeStringField(
                        "balance",
                        upstream.config().balance().name().toLowerCase(java.util.Locale.ROOT));
                json.writeArrayFieldStart("backends");
                List<BackendStatus> known = statuses.getOrDefault(upstream.name(), List.of());
                for (Backend backend : upstream.backends()) {
                    writeBackend(json, backend, find(known, backend.id()));
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString() + "\n";
    }

    private static BackendStatus find(List<BackendStatus> statuses, String id) {
        for (BackendStatus status : statuses) {
            if (status.backend().equals(id)) {
                return status;
            }
        }
        throw new IllegalStateException("no status for backend " + id);
    }

    private static void writeBackend(JsonGenerator json, Backend backend, BackendStatus status)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("backend", backend.id());
        json.writeStringField("url", backend.config().url().toString());
        json.writeNumberField("weight", backend.weight());
        json.writeStringField("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
        json.writeBooleanField("available", status.available());
        json.writeNumberField("active_requests", backend.activeRequests());
        json.writeNumberField("open_connections", backend.openConnections());
        json.writeNumberField("consecutive_successes", status.consecutiveSuccesses());
        json.writeNumberField("consecutive_failures", status.consecutiveFailures());
        json.writeNumberField("ejections", status.ejections());
        if (status.ejectedUntil() != null) {
            json.writeStringField("ejected_until", String.valueOf(status.ejectedUntil()));
        } else {
            json.writeNullField("ejected_until");
        }
        BackendStatus.LastCheck last = status.lastCheck();
        if (last == null) {
            json.writeNullField("last_check");
        } else {
            json.writeObjectFieldStart("last_check");
            json.writeStringField("at", last.at().toString());
            json.writeBooleanField("passed", last.passed());
            json.writeStringField("detail", last.detail());
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
