package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.Page;
import io.durablekafka.gateway.webhooks.CallbackPolicy;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The instance operations of the Durable Functions HTTP API, for the webhook routes and the management
 * routes alike. Every handler validates the whole request first and checks the instance's state in the
 * views; only then does it write a command to Kafka, so a request answered with an error changes nothing.
 */
public final class InstanceApi {

    static final String RETRY_AFTER_SECONDS = "10";
    public static final String CONTINUATION_HEADER = "x-ms-continuation-token";
    public static final int DEFAULT_TOP = 100;
    /** Larger {@code top} values are cut to this (the API allows fewer items than {@code top} per page). */
    public static final int MAX_TOP = 1000;
    /** A list page visits at most this many instances (matching or not) before it hands out a continuation. */
    public static final int DEFAULT_SCAN_BUDGET = 10_000;
    public static final Duration DEFAULT_MAX_LONG_POLL = Duration.ofSeconds(60);
    private static final ContinuationToken TOKENS = new ContinuationToken("1|", "an instance list");
    private static final Pattern SHORT_YEAR = Pattern.compile("^(\\d{1,3})-");
    /** An offset whose '+' a query string turned into a space: {@code ...T10:00:00 01:00}. */
    private static final Pattern SPACED_OFFSET = Pattern.compile("(T\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?) (\\d\\d:?\\d\\d)$");

    private final InstanceOperations operations;
    private final Duration maxWait;
    private final Duration maxLongPoll;
    private final CallbackPolicy callbacks;

    /**
     * @param knownOrchestrations names a start may use; empty accepts any
     * @param barrierTimeout      longest a read waits for the views to be consistent with Kafka
     * @param maxWait             longest a start with {@code timeout} waits for completion
     * @param purgeWait           how long a purge waits to see the instances deleted before answering
     * @param scanBudget          instances a list page visits at most
     * @param maxLongPoll         longest a status read with {@code timeoutSeconds} waits for the instance to end
     */
    public InstanceApi(Set<String> knownOrchestrations, Duration barrierTimeout, Duration maxWait, Duration purgeWait,
                       int scanBudget, Duration maxLongPoll) {
        this(knownOrchestrations, barrierTimeout, maxWait, purgeWait, scanBudget, maxLongPoll,
                WebhookOptions.defaults().policy());
    }

    /** @param callbacks the completion callback URLs a start may name ({@code callbackUrl}) */
    public InstanceApi(Set<String> knownOrchestrations, Duration barrierTimeout, Duration maxWait, Duration purgeWait,
                       int scanBudget, Duration maxLongPoll, CallbackPolicy callbacks) {
        this.callbacks = callbacks;
        this.operations = new InstanceOperations(knownOrchestrations, barrierTimeout, purgeWait, scanBudget);
        this.maxWait = maxWait;
        this.maxLongPoll = maxLongPoll;
    }

    /** The operations behind these routes, which the gateway's other protocols share. */
    public InstanceOperations operations() {
        return operations;
    }

    /** With the default long-poll limit. */
    public InstanceApi(Set<String> knownOrchestrations, Duration barrierTimeout, Duration maxWait, Duration purgeWait,
                       int scanBudget) {
        this(knownOrchestrations, barrierTimeout, maxWait, purgeWait, scanBudget, DEFAULT_MAX_LONG_POLL);
    }

    // ------------------------------------------------------------------------------------------- start

    /** {@code POST .../orchestrators/{functionName}[/{instanceId}]}: 202 with the management payload. */
    public void start(Call call) throws Exception {
        String name = call.path("functionName");
        String requestedId = call.path("instanceId");
        String instanceId = requestedId == null ? InstanceIds.generate() : requestedId;
        operations.checkStart(name, instanceId);
        JsonNode input = JsonResponses.parseBody(call.body());
        Duration wait = waitTimeout(call);
        String callbackUrl = callbackUrl(call);
        RecordMetadata ack = startInstance(call, instanceId, name, input, callbackUrl);
        answerStarted(call, instanceId, ack, wait);
    }

    /** The start's completion callback ({@code callbackUrl}, a durable-kafka extension), checked; null without one. */
    private String callbackUrl(Call call) {
        String url = Hubs.blankToNull(call.query("callbackUrl"));
        if (url == null) {
            return null;
        }
        try {
            return callbacks.check(url).toString();
        } catch (CallbackPolicy.Refused e) {
            throw ApiException.badRequest("InvalidCallbackUrl", "callbackUrl refused: " + e.getMessage() + ".");
        }
    }

    /** {@code POST /runtime/orchestrations/start/{orchestratorName}} with body {@code {"input": ...}}. */
    public void managementStart(Call call) throws Exception {
        String name = call.path("orchestratorName");
        operations.checkKnown(name);
        JsonNode body = JsonResponses.parseBody(call.body());
        JsonNode input = null;
        if (body != null && !body.isNull()) {
            if (!body.isObject()) {
                throw ApiException.badRequest("InvalidBody", "The request body must be a JSON object like "
                        + "{\"input\": ...}, not " + body.getNodeType().name().toLowerCase() + ".");
            }
            input = body.get("input");
        }
        Duration wait = waitTimeout(call);
        String instanceId = InstanceIds.generate();
        RecordMetadata ack = startInstance(call, instanceId, name, input, null);
        answerStarted(call, instanceId, ack, wait);
    }

    /**
     * {@code POST .../instances/{instanceId}/restart[?restartWithNewInstanceId=true|false]}: starts the
     * instance's orchestration again with its input, under a new ID (the default) or the same one (which must
     * not be active: 409). An unknown instance is 400, as in the extension ({@code RestartAsync} throws an
     * argument error).
     */
    public void restart(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        boolean newId = flag(call, "restartWithNewInstanceId", true);
        Duration wait = waitTimeout(call);
        InstanceOperations.Started started = operations.restart(call.hub(), instanceId, newId, call.trace());
        answerStarted(call, started.instanceId(), started.ack(), wait);
    }

    /** Starts through {@link InstanceOperations#start} with the request's hub and trace. */
    private RecordMetadata startInstance(Call call, String instanceId, String name, JsonNode input,
                                         String callbackUrl) throws InterruptedException, PublishException {
        return operations.start(call.hub(), instanceId, name, input, null, callbackUrl, call.trace()).ack();
    }

    /**
     * The answer to a start: with a wait (query {@code timeout}), as the extension's
     * {@code WaitForCompletionOrCreateCheckStatusResponseAsync}: 200 with the output once Completed, the
     * status response (200) once Failed, Terminated or Canceled, else (time out) the 202 below. Without a
     * wait: 202 with the management payload, {@code Location} and {@code Retry-After}.
     */
    private void answerStarted(Call call, String instanceId, RecordMetadata ack, Duration wait)
            throws InterruptedException {
        if (wait != null) {
            Predicate<Optional<InstanceView>> finished = v -> v.isPresent() && !v.get().isPendingStart()
                    && v.get().status().inputOffset() >= ack.offset() && !v.get().isActive();
            Optional<InstanceView> view = call.hub().views().awaitInstance(instanceId, finished, wait);
            if (finished.test(view)) {
                InstanceStatus status = view.get().status();
                if (status.runtimeStatus() == RuntimeStatus.Completed) {
                    JsonResponses.send(call.ctx(), 200, StatusRenderer.orNull(status.output()));
                } else {
                    sendStatus(call, instanceId, view.get(), false);
                }
                return;
            }
        }
        ManagementUrls urls = call.urls();
        call.ctx().header("Location", urls.statusQueryGetUri(instanceId));
        call.ctx().header("Retry-After", RETRY_AFTER_SECONDS);
        JsonResponses.send(call.ctx(), 202, urls.payload(instanceId));
    }

    /** The wait of a start ({@code timeout} in seconds, cut to the maximum), or null without one. */
    private Duration waitTimeout(Call call) {
        Double timeout = seconds(call, "timeout");
        seconds(call, "pollingInterval"); // validated only: the views notify, nothing polls
        if (timeout == null) {
            return null;
        }
        Duration d = Duration.ofMillis((long) Math.min(timeout * 1000, Long.MAX_VALUE / 2));
        return d.compareTo(maxWait) > 0 ? maxWait : d;
    }

    private static Double seconds(Call call, String name) {
        String v = Hubs.blankToNull(call.query(name));
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("InvalidParameter", "'" + name + "' must be a non-negative number of "
                    + "seconds, not '" + v + "'.");
        }
    }

    // ------------------------------------------------------------------------------------------ status

    /**
     * {@code GET .../instances/{instanceId}}: 200 when finished, 202 while running, 404 when unknown. With
     * {@code timeoutSeconds} (a durable-kafka extension), a running instance is answered the moment it ends, or
     * at the deadline with its status then (202). The wait holds no thread: the response completes from the
     * views' change notification.
     */
    public void status(Call call) throws InterruptedException {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        boolean errorOnFailure = flag(call, "returnInternalServerErrorOnFailure", false);
        Duration longPoll = longPoll(call);
        InstanceView view = requireInstance(call, instanceId);
        if (longPoll == null || longPoll.isZero() || !view.isActive()) {
            sendStatus(call, instanceId, view, errorOnFailure);
            return;
        }
        // Ended, or gone (purged meanwhile): either answers at once.
        Predicate<Optional<InstanceView>> settled = v -> v.isEmpty() || !v.get().isActive();
        call.ctx().future(() -> call.hub().views().awaitInstanceAsync(instanceId, settled, longPoll)
                .thenAccept(latest -> {
                    if (latest.isEmpty()) {
                        ApiException gone = CommandRefusals.notFound(instanceId);
                        JsonResponses.sendError(call.ctx(), gone.status(), gone.error(), gone.getMessage());
                    } else {
                        sendStatus(call, instanceId, latest.get(), errorOnFailure);
                    }
                }));
    }

    /** The long-poll of a status read ({@code timeoutSeconds}, whole seconds, cut to the maximum), or null. */
    private Duration longPoll(Call call) {
        String v = Hubs.blankToNull(call.query("timeoutSeconds"));
        if (v == null) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0) {
            throw ApiException.badRequest("InvalidParameter", "'timeoutSeconds' must be a whole number of seconds, 0 "
                    + "or more, not '" + v + "'.");
        }
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(maxLongPoll) > 0 ? maxLongPoll : d;
    }

    private void sendStatus(Call call, String instanceId, InstanceView view, boolean errorOnFailure) {
        boolean showHistory = flag(call, "showHistory", false);
        boolean showHistoryOutput = flag(call, "showHistoryOutput", false);
        boolean showInput = flag(call, "showInput", true);
        InstanceStatus status = view.status();
        ArrayNode history = null;
        if (showHistory) {
            List<HistoryRecord> records = view.isPendingStart() ? List.of()
                    : call.hub().views().history(instanceId, status.executionId());
            history = HistoryRenderer.render(records, showInput, showHistoryOutput);
        }
        RuntimeStatus rs = status.runtimeStatus();
        int code;
        if (rs == null || RuntimeStatus.WAITING_FOR_COMPLETION.contains(rs)) {
            code = 202;
            call.ctx().header("Location", call.urls().statusQueryGetUri(instanceId));
            call.ctx().header("Retry-After", RETRY_AFTER_SECONDS);
        } else if (rs == RuntimeStatus.Failed && errorOnFailure) {
            code = 500;
        } else {
            code = 200;
        }
        JsonResponses.send(call.ctx(), code, StatusRenderer.render(status, showInput, history));
    }

    // -------------------------------------------------------------------------------------------- list

    /**
     * {@code GET .../instances}: the instances matching the filters, one page in instance ID order; the
     * {@code x-ms-continuation-token} response header (only when there may be more) goes into the request
     * header of the next page.
     */
    public void list(Call call) throws InterruptedException {
        InstanceQuery query = new InstanceQuery(call.query("instanceIdPrefix"), time(call, "createdTimeFrom"),
                time(call, "createdTimeTo"), statuses(call));
        int top = top(call);
        boolean showInput = flag(call, "showInput", true);
        Page<InstanceView> page = operations.list(call.hub(), query, call.header(CONTINUATION_HEADER), top);
        ArrayNode body = Json.MAPPER.createArrayNode();
        for (InstanceView v : page.items()) {
            body.add(StatusRenderer.render(v.status(), showInput, null));
        }
        String continuation = InstanceOperations.continuation(page);
        if (continuation != null) {
            call.ctx().header(CONTINUATION_HEADER, continuation);
        }
        JsonResponses.send(call.ctx(), 200, body);
    }

    static String encodeToken(String key) {
        return TOKENS.encode(key);
    }

    /** The key a continuation token resumes after, or null for the first page. */
    static String decodeToken(String token) {
        return TOKENS.decode(token);
    }

    static int top(Call call) {
        String v = Hubs.blankToNull(call.query("top"));
        if (v == null) {
            return DEFAULT_TOP;
        }
        try {
            int top = Integer.parseInt(v);
            if (top < 1) {
                throw new NumberFormatException();
            }
            return Math.min(top, MAX_TOP);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("InvalidParameter", "'top' must be a positive whole number, not '" + v + "'.");
        }
    }

    /** {@code runtimeStatus}: comma-separated (and/or repeated) names, case-insensitive; null when absent. */
    static Set<RuntimeStatus> statuses(Call call) {
        Set<RuntimeStatus> result = EnumSet.noneOf(RuntimeStatus.class);
        for (String value : call.queryAll("runtimeStatus")) {
            for (String name : value.split(",")) {
                if (name.isBlank()) {
                    continue;
                }
                try {
                    result.add(RuntimeStatus.parse(name));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("InvalidParameter", "'runtimeStatus' holds '" + name.strip()
                            + "', which is not one of " + List.of(RuntimeStatus.values()) + ".");
                }
            }
        }
        return result.isEmpty() ? null : result;
    }

    /**
     * An ISO-8601 time parameter: with {@code Z} or an offset, or without (UTC), or a date alone; years with
     * fewer than four digits are padded (Python's {@code strftime} writes {@code 1-01-01}). Null when absent.
     */
    static Instant time(Call call, String name) {
        String v = Hubs.blankToNull(call.query(name));
        return v == null ? null : parseTime(name, v);
    }

    static Instant parseTime(String name, String value) {
        String v = value.strip();
        var year = SHORT_YEAR.matcher(v);
        if (year.find()) {
            v = "0".repeat(4 - year.group(1).length()) + v;
        }
        v = SPACED_OFFSET.matcher(v).replaceFirst("$1+$2");
        if (v.length() > 10 && v.charAt(10) == ' ') {
            v = v.substring(0, 10) + "T" + v.substring(11);
        }
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // try the forms without an offset
        }
        try {
            return LocalDateTime.parse(v, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try a date alone
        }
        try {
            return LocalDate.parse(v, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("InvalidParameter", "'" + name + "' must be an ISO-8601 time such as "
                    + "2024-01-15T10:00:00Z, not '" + value + "'.");
        }
    }

    // ------------------------------------------------------------------------------------------- purge

    /**
     * {@code DELETE .../instances/{instanceId}}: 200 {@code {"instancesDeleted":1}}, 404 when unknown, 412
     * while the instance is not in a terminal state (as the extension answers).
     */
    public void purge(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        operations.purge(call.hub(), instanceId, call.trace());
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("instancesDeleted", 1);
        JsonResponses.send(call.ctx(), 200, body);
    }

    /**
     * {@code DELETE .../instances?createdTimeFrom=...[&createdTimeTo=...][&runtimeStatus=...]}: purges every
     * instance in a terminal state that matches; {@code createdTimeFrom} is required (400), {@code createdTimeTo}
     * defaults to now. 404 when nothing matched.
     */
    public void purgeMany(Call call) throws Exception {
        Instant from = time(call, "createdTimeFrom");
        if (from == null) {
            throw ApiException.badRequest("MissingParameter", "Please provide value for 'createdTimeFrom' parameter.");
        }
        Instant to = time(call, "createdTimeTo");
        int deleted = operations.purgeMany(call.hub(), from, to, statuses(call), call.trace());
        if (deleted == 0) {
            throw new ApiException(404, "NoInstancesMatched", "No instances in a terminal state matched the filter.");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("instancesDeleted", deleted);
        JsonResponses.send(call.ctx(), 200, body);
    }

    // --------------------------------------------------------------------------------- instance commands

    /**
     * {@code POST .../instances/{instanceId}/raiseEvent/{eventName}}: 202; 404 unknown; 410 when the instance
     * ended; 400 when a body is not {@code application/json} or not JSON. An empty body raises the event with
     * {@code null} data.
     */
    public void raiseEvent(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        String eventName = call.path("eventName");
        byte[] body = call.body();
        operations.check(call.hub(), InstanceCommand.RAISE_EVENT, instanceId);
        JsonNode data = null;
        if (!new String(body, StandardCharsets.UTF_8).isBlank()) {
            String mediaType = call.mediaType();
            if (!"application/json".equals(mediaType)) {
                throw ApiException.badRequest("UnsupportedContentType", "Only application/json request content is "
                        + "supported" + (mediaType == null ? " (no Content-Type was sent)." : ", not " + mediaType + "."));
            }
            data = JsonResponses.parseBody(body);
        }
        operations.command(call.hub(), InstanceCommand.RAISE_EVENT, new RaiseEvent(instanceId, eventName, data),
                call.trace());
        accepted(call);
    }

    /** {@code POST .../instances/{instanceId}/terminate?reason=}: 202; 404; 410 when the instance ended. */
    public void terminate(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        String reason = call.query("reason");
        operations.command(call.hub(), InstanceCommand.TERMINATE, new TerminateOrchestration(instanceId, reason),
                call.trace());
        accepted(call);
    }

    /**
     * {@code POST /runtime/orchestrations/{instanceId}/terminate}: the reason from the query, or from the body
     * ({@code {"reason": "..."}} or a JSON string).
     */
    public void managementTerminate(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        String reason = call.query("reason");
        JsonNode body = JsonResponses.parseBody(call.body());
        if (body != null && !body.isNull()) {
            JsonNode given = body.isObject() ? body.path("reason") : body;
            if (!given.isTextual() && !given.isNull() && !given.isMissingNode()) {
                throw ApiException.badRequest("InvalidBody", "The body must be {\"reason\": \"...\"} or a JSON string.");
            }
            if (reason == null && given.isTextual()) {
                reason = given.asText();
            }
        }
        operations.command(call.hub(), InstanceCommand.TERMINATE, new TerminateOrchestration(instanceId, reason),
                call.trace());
        accepted(call);
    }

    /** {@code POST .../instances/{instanceId}/suspend?reason=}: 202; 404; 410 when the instance ended. */
    public void suspend(Call call) throws Exception {
        controlActiveInstance(call, InstanceCommand.SUSPEND, SuspendOrchestration::new);
    }

    /**
     * {@code POST .../instances/{instanceId}/resume?reason=}: 202; 404; 410 when the instance ended. A
     * running instance that is not suspended is accepted too (the node ignores the resume), as in Azure.
     */
    public void resume(Call call) throws Exception {
        controlActiveInstance(call, InstanceCommand.RESUME, ResumeOrchestration::new);
    }

    /** Publishes a control message with the {@code reason} query for an instance that has not ended; then 202. */
    private void controlActiveInstance(Call call, InstanceCommand command,
                                       java.util.function.BiFunction<String, String, OrchestrationMessage> message) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        String reason = call.query("reason");
        operations.command(call.hub(), command, message.apply(instanceId, reason), call.trace());
        accepted(call);
    }

    /**
     * {@code POST .../instances/{instanceId}/rewind?reason=}: 202 for a Failed instance; 404; 410 when it
     * Completed, was Terminated or Canceled; 412 while it is still active (only Failed instances rewind).
     */
    public void rewind(Call call) throws Exception {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        String reason = call.query("reason");
        operations.command(call.hub(), InstanceCommand.REWIND, new RewindOrchestration(instanceId, reason),
                call.trace());
        accepted(call);
    }

    // --------------------------------------------------------------------------------------------- helpers

    InstanceView requireInstance(Call call, String instanceId) throws InterruptedException {
        return operations.require(call.hub(), instanceId);
    }

    private static void accepted(Call call) {
        call.ctx().status(202);
    }

    /** A boolean query parameter; anything but true/false (any case) means the default, as in Azure. */
    static boolean flag(Call call, String name, boolean defaultValue) {
        String v = call.query(name);
        if (v == null) {
            return defaultValue;
        }
        v = v.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        return defaultValue;
    }
}
