package io.durablekafka.common.observability;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * What {@code /healthz} and {@code /readyz} answer, the same on the gateway's port and on a management server:
 * 200 or 503, and a JSON body naming each component and, when not fine, why.
 */
public final class ProbeResponses {

    public static final String METRICS_PATH = "/metrics";
    public static final String LIVENESS_PATH = "/healthz";
    public static final String READINESS_PATH = "/readyz";
    /** The Prometheus text format that {@link Observability#scrape()} writes. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";

    private ProbeResponses() {
    }

    public static int status(HealthChecks.Report report) {
        return report.ok() ? 200 : 503;
    }

    /** {@code {"status":"UP"|"DOWN","checks":{"node":{"status":"DOWN","detail":"..."}}}}. */
    public static byte[] body(HealthChecks.Report report) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("status", report.ok() ? "UP" : "DOWN");
        ObjectNode checks = root.putObject("checks");
        report.checks().forEach((name, check) -> {
            ObjectNode c = checks.putObject(name);
            c.put("status", check.ok() ? "UP" : "DOWN");
            if (check.detail() != null) {
                c.put("detail", check.detail());
            }
        });
        if (report.checks().isEmpty() && !report.ok()) {
            root.put("detail", "no role has started in this process");
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
