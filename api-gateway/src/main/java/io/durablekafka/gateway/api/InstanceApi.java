package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.publish.CommandPublisher;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.ReadViews;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Handlers of the instance endpoints: start an orchestration, get an instance's status. */
public final class InstanceApi {

    public static final String START_PATH = ManagementUrls.WEBHOOK_PREFIX + "/orchestrators/{functionName}";
    public static final String START_WITH_ID_PATH = START_PATH + "/{instanceId}";
    public static final String STATUS_PATH = ManagementUrls.WEBHOOK_PREFIX + "/instances/{instanceId}";
    static final String RETRY_AFTER_SECONDS = "10";
    private static final Logger LOG = LoggerFactory.getLogger(InstanceApi.class);

    private final TopicNames topics;
    private final Set<String> knownOrchestrations;
    private final ReadViews views;
    private final CommandPublisher publisher;
    private final Supplier<String> baseUrl;
    private final Duration barrierTimeout;

    /**
     * @param knownOrchestrations names a start may use; empty accepts any
     * @param baseUrl             the public base URL (known once the server is bound)
     */
    public InstanceApi(TopicNames topics, Set<String> knownOrchestrations, ReadViews views, CommandPublisher publisher,
                       Supplier<String> baseUrl, Duration barrierTimeout) {
        this.topics = topics;
        this.knownOrchestrations = Set.copyOf(knownOrchestrations);
        this.views = views;
        this.publisher = publisher;
        this.baseUrl = baseUrl;
        this.barrierTimeout = barrierTimeout;
    }

    ManagementUrls urls(Context ctx) {
        return new ManagementUrls(baseUrl.get(), topics.taskHub(), ctx.queryParam("connection"), ctx.queryParam("code"));
    }

    /** {@code POST .../orchestrators/{functionName}[/{instanceId}]}: 202 with the management payload. */
    public void start(Context ctx) throws InterruptedException, PublishException {
        String name = ctx.pathParam("functionName");
        if (!knownOrchestrations.isEmpty() && !knownOrchestrations.contains(name)) {
            throw ApiException.badRequest("UnknownOrchestrator", "The function '" + name
                    + "' doesn't exist, is disabled, or is not an orchestrator function. Known orchestrators: "
                    + knownOrchestrations.stream().sorted().toList());
        }
        String instanceId = ctx.pathParamMap().containsKey("instanceId")
                ? InstanceIds.validate(ctx.pathParam("instanceId"))
                : InstanceIds.generate();
        JsonNode input = JsonResponses.parseBody(ctx.bodyAsBytes());

        Optional<InstanceView> existing = views.find(instanceId);
        if (existing.isPresent() && existing.get().isActive()) {
            throw new ApiException(409, "InstanceAlreadyExists", "An instance with ID '" + instanceId
                    + "' already exists and is " + existing.get().runtimeStatus() + ".");
        }

        RecordMetadata ack = publisher.publish(new StartOrchestration(instanceId, name, input, null, null, Instant.now()));
        // Read-your-writes on this gateway: the 202 goes out once the view holds the start, so that a GET (or
        // a second start of the same ID) through this gateway sees it without waiting for a barrier. The start
        // is accepted either way: a view lagging behind only delays the answer, up to the barrier timeout.
        if (!views.awaitConsumed(new TopicPartition(ack.topic(), ack.partition()), ack.offset(), barrierTimeout)) {
            LOG.warn("the views of hub {} did not see the start of '{}' ({}-{}@{}) within {}", topics.taskHub(),
                    instanceId, ack.topic(), ack.partition(), ack.offset(), barrierTimeout);
        }

        ManagementUrls urls = urls(ctx);
        ctx.header("Location", urls.statusQueryGetUri(instanceId));
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        JsonResponses.send(ctx, 202, urls.payload(instanceId));
    }

    /** {@code GET .../instances/{instanceId}}: 200 when finished, 202 while running, 404 when unknown. */
    public void status(Context ctx) throws InterruptedException {
        String instanceId = InstanceIds.validate(ctx.pathParam("instanceId"));
        boolean showHistory = flag(ctx, "showHistory", false);
        boolean showHistoryOutput = flag(ctx, "showHistoryOutput", false);
        boolean showInput = flag(ctx, "showInput", true);
        boolean errorOnFailure = flag(ctx, "returnInternalServerErrorOnFailure", false);

        Optional<InstanceView> found = views.findConsistent(instanceId, barrierTimeout);
        if (found.isEmpty()) {
            throw new ApiException(404, "InstanceNotFound", "No instance with ID '" + instanceId + "' was found.");
        }
        InstanceView view = found.get();
        InstanceStatus status = view.status();

        ArrayNode history = null;
        if (showHistory) {
            List<HistoryRecord> records = view.isPendingStart() ? List.of()
                    : views.history(instanceId, status.executionId());
            history = HistoryRenderer.render(records, showInput, showHistoryOutput);
        }
        RuntimeStatus rs = status.runtimeStatus();
        int code;
        if (rs == null || RuntimeStatus.WAITING_FOR_COMPLETION.contains(rs)) {
            code = 202;
            ctx.header("Location", urls(ctx).statusQueryGetUri(instanceId));
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        } else if (rs == RuntimeStatus.Failed && errorOnFailure) {
            code = 500;
        } else {
            code = 200;
        }
        JsonResponses.send(ctx, code, StatusRenderer.render(status, showInput, history));
    }

    /** A boolean query parameter; anything but true/false (any case) means the default, as in Azure. */
    static boolean flag(Context ctx, String name, boolean defaultValue) {
        String v = ctx.queryParam(name);
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
