package io.durablekafka.examples.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.client.DurableTaskClient;
import io.durablekafka.client.NewOrchestrationInstanceOptions;
import io.durablekafka.client.errors.InvalidRequestException;
import io.durablekafka.client.OrchestrationMetadata;
import io.durablekafka.client.errors.InstanceEndedException;
import io.durablekafka.client.errors.NotFoundException;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The asynchronous HTTP API pattern over {@link GenerateReport}, built on the {@link DurableTaskClient}:
 * <ul>
 *   <li>{@code POST /api/reports}: starts a report; 202 with {@code Location} = the status URL.</li>
 *   <li>{@code GET /api/reports/{id}/status}: 202 with the progress while it runs, 200 once it ended, 404 for an
 *       unknown report. {@code ?wait=N} (seconds, at most {@value #MAX_WAIT_SECONDS}) holds the request until the
 *       report ends or N seconds passed: a long-poll, one request instead of a loop.</li>
 *   <li>{@code GET /api/reports/{id}/result}: 200 with the report, 409 while it is not finished (or ended without
 *       one).</li>
 *   <li>{@code DELETE /api/reports/{id}}: cancels (terminates) it; 204, 409 when it already ended.</li>
 * </ul>
 * Error bodies are {@code {"message": "..."}}.
 */
public final class ReportsApi implements AutoCloseable {

    static final int MAX_WAIT_SECONDS = 60;
    static final String RETRY_AFTER_SECONDS = "2";
    private static final String JSON = "application/json";

    private final DurableTaskClient client;
    private final Javalin app;

    public ReportsApi(DurableTaskClient client) {
        this.client = client;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            // A long-poll holds its request: virtual threads make that cheap.
            config.concurrency.useVirtualThreads = true;
            config.routes.post("/api/reports", this::start);
            config.routes.get("/api/reports/{id}/status", this::status);
            config.routes.get("/api/reports/{id}/result", this::result);
            config.routes.delete("/api/reports/{id}", this::cancel);
            config.routes.exception(BadRequest.class, (e, ctx) -> send(ctx, 400, message(e.getMessage())));
        });
    }

    /** Binds the port (0: any free port) and returns the bound one. */
    public int start(int port) {
        app.start(port);
        return app.port();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    // ------------------------------------------------------------------------------------------ routes

    private void start(Context ctx) {
        ReportRequest request;
        try {
            request = Json.MAPPER.readValue(ctx.bodyAsBytes(), ReportRequest.class);
        } catch (Exception e) {
            throw new BadRequest("The body must be a JSON object like {\"reportType\": \"sales\", "
                    + "\"startDate\": \"2024-01-01\", \"endDate\": \"2024-12-31\"}.");
        }
        String problem = request == null ? "a report request is required" : request.problem();
        if (problem != null) {
            throw new BadRequest("Invalid report request: " + problem + ".");
        }
        // ?callbackUrl=...: the cluster POSTs the finished report's status there (a signed webhook), so the caller
        // need not poll at all. The gateway checks the URL; its refusal comes back as this API's 400.
        String id;
        try {
            id = client.scheduleNewOrchestrationInstance(GenerateReport.NAME, NewOrchestrationInstanceOptions
                    .defaults().withInput(request).withCallbackUrl(ctx.queryParam("callbackUrl")));
        } catch (InvalidRequestException e) {
            throw new BadRequest(e.getMessage());
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("instanceId", id);
        body.put("statusUrl", statusPath(id));
        body.put("resultUrl", statusPath(id).replace("/status", "/result"));
        body.put("cancelUrl", "/api/reports/" + id);
        ctx.header("Location", origin(ctx) + statusPath(id));
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        send(ctx, 202, body);
    }

    private void status(Context ctx) {
        String id = ctx.pathParam("id");
        Integer wait = waitSeconds(ctx);
        Optional<OrchestrationMetadata> report;
        // With outputs: a cancelled report's reason is its output.
        if (wait == null) {
            report = find(id, true);
        } else {
            report = awaitEnd(id, Duration.ofSeconds(wait));
        }
        if (report.isEmpty()) {
            send(ctx, 404, message("No report '" + id + "'."));
            return;
        }
        OrchestrationMetadata m = report.get();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("instanceId", id);
        body.put("status", m.runtimeStatus().name());
        if (m.isRunning()) {
            body.put("createdAt", String.valueOf(m.createdAt()));
            body.put("lastUpdatedAt", String.valueOf(m.lastUpdatedAt()));
            body.set("customStatus", m.customStatus());
            ctx.header("Location", origin(ctx) + statusPath(id));
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            send(ctx, 202, body);
            return;
        }
        switch (m.runtimeStatus()) {
            case Completed -> body.put("resultUrl", "/api/reports/" + id + "/result");
            case Failed -> body.put("error", m.failureDetails() == null ? null : m.failureDetails().errorMessage());
            default -> body.put("reason", m.output() == null ? null : m.output().asText());
        }
        send(ctx, 200, body);
    }

    private void result(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<OrchestrationMetadata> report = find(id, true);
        if (report.isEmpty()) {
            send(ctx, 404, message("No report '" + id + "'."));
            return;
        }
        OrchestrationMetadata m = report.get();
        if (m.runtimeStatus() != RuntimeStatus.Completed) {
            ObjectNode body = message(m.isRunning() ? "The report is not finished yet."
                    : "The report ended " + m.runtimeStatus() + " and has no result.");
            body.put("status", m.runtimeStatus().name());
            send(ctx, 409, body);
            return;
        }
        send(ctx, 200, m.output());
    }

    private void cancel(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<OrchestrationMetadata> report = find(id, false);
        if (report.isEmpty()) {
            send(ctx, 404, message("No report '" + id + "'."));
            return;
        }
        if (report.get().isCompleted()) {
            send(ctx, 409, message("The report already ended " + report.get().runtimeStatus() + "."));
            return;
        }
        try {
            client.terminate(id, "Cancelled by user");
        } catch (InstanceEndedException endedMeanwhile) {
            send(ctx, 409, message("The report already ended."));
            return;
        }
        ctx.status(204);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The report with this ID: an instance of {@link GenerateReport}; other instances are no reports. */
    private Optional<OrchestrationMetadata> find(String id, boolean withOutput) {
        return client.getInstanceMetadata(id, withOutput).filter(m -> GenerateReport.NAME.equals(m.name()));
    }

    private Optional<OrchestrationMetadata> awaitEnd(String id, Duration wait) {
        if (find(id, false).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(client.waitForInstanceCompletion(id, wait, true));
        } catch (TimeoutException stillRunning) {
            return find(id, true);
        } catch (NotFoundException purgedMeanwhile) {
            return Optional.empty();
        }
    }

    private static Integer waitSeconds(Context ctx) {
        String v = ctx.queryParam("wait");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            int seconds = Integer.parseInt(v.strip());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return Math.min(seconds, MAX_WAIT_SECONDS);
        } catch (NumberFormatException e) {
            throw new BadRequest("'wait' must be a whole number of seconds, not '" + v + "'.");
        }
    }

    private static String statusPath(String id) {
        return "/api/reports/" + id + "/status";
    }

    /** Scheme and host the request was sent to, for an absolute {@code Location}. */
    private static String origin(Context ctx) {
        String host = ctx.header("Host");
        return ctx.scheme() + "://" + (host == null ? ctx.host() : host);
    }

    private static ObjectNode message(String text) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("message", text);
        return body;
    }

    private static void send(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON).result(Json.toBytes(body));
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
