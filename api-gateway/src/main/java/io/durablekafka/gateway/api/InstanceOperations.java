package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.Page;
import io.durablekafka.gateway.views.ReadViews;
import io.durablekafka.sdk.EntityInstanceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance operations behind every protocol the gateway speaks (the HTTP API's {@link InstanceApi}, the
 * Durable Task gRPC endpoint): the checks against the views, the refusals, the records written and the waits for
 * the views to show them. Callers parse their own requests and render their own answers; a refusal is an
 * {@link ApiException} (its HTTP status says which kind) that each protocol maps to its own errors.
 */
public final class InstanceOperations {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceOperations.class);

    private final Set<String> knownOrchestrations;
    private final Duration barrierTimeout;
    private final Duration purgeWait;
    private final int scanBudget;

    /**
     * @param knownOrchestrations names a start may use; empty accepts any
     * @param barrierTimeout      longest a read waits for the views to be consistent with Kafka
     * @param purgeWait           how long a purge waits to see the instances deleted before answering
     * @param scanBudget          instances a list page visits at most
     */
    public InstanceOperations(Set<String> knownOrchestrations, Duration barrierTimeout, Duration purgeWait,
                              int scanBudget) {
        this.knownOrchestrations = Set.copyOf(knownOrchestrations);
        this.barrierTimeout = barrierTimeout;
        this.purgeWait = purgeWait;
        this.scanBudget = scanBudget;
    }

    /** An acknowledged start: the instance ID and where its record is. */
    public record Started(String instanceId, RecordMetadata ack) {
    }

    // ------------------------------------------------------------------------------------------- start

    /**
     * Starts orchestration {@code name} as {@code instanceId} unless the view holds an active instance of that ID
     * (409). Starts of the same ID through this gateway are serialized: the second one sees the first as Pending.
     * Returns once the view holds the start (read-your-writes on this gateway).
     *
     * @param scheduledStart the execution starts no earlier than this (null: at once)
     * @param callbackUrl    the completion callback, already checked (null: none)
     * @throws ApiException 400 for an invalid or entity ID or an unknown orchestrator, 409 for an active instance
     */
    public Started start(HubServices hub, String instanceId, String name, JsonNode input, Instant scheduledStart,
                         String callbackUrl, TraceContext trace) throws InterruptedException, PublishException {
        return start(hub, instanceId, name, input, scheduledStart, callbackUrl, trace, null, null, null);
    }

    /**
     * As {@link #start(HubServices, String, String, JsonNode, Instant, String, TraceContext)}, with what to do when an
     * instance of that ID exists ({@code reuse}; null: the rule book's refusal of an active one). A replaced active
     * instance is terminated by a record written just before the start, on the same partition: the node ends it, then
     * takes the start as the start of an ended instance's ID.
     *
     * @param version the orchestration's version (null: none), kept with the instance
     * @param tags    tags kept with the instance (null or empty: none)
     * @return the started instance; with {@link IdReusePolicy.Action#IGNORE} the existing one, whose ack is null
     * @throws ApiException as the other start, and 409 for an instance the policy does not let this start replace
     */
    public Started start(HubServices hub, String instanceId, String name, JsonNode input, Instant scheduledStart,
                         String callbackUrl, TraceContext trace, IdReusePolicy reuse, String version,
                         Map<String, String> tags) throws InterruptedException, PublishException {
        checkStart(name, instanceId);
        ReadViews views = hub.views();
        ReentrantLock lock = hub.lockStart(instanceId);
        try {
            InstanceView existing = views.find(instanceId).orElse(null);
            boolean terminateFirst = false;
            if (reuse == null || existing == null) {
                CommandRefusals.check(InstanceCommand.START, instanceId, existing);
            } else {
                RuntimeStatus status = existing.runtimeStatus();
                switch (reuse.decide(status)) {
                    case ERROR -> throw new ApiException(409, "InstanceAlreadyExists", "An instance with ID '"
                            + instanceId + "' already exists and is " + status + "; the ID reuse policy lets a start "
                            + "replace only instances that are " + reuse.statuses() + ".");
                    case IGNORE -> {
                        return new Started(instanceId, null);
                    }
                    case TERMINATE -> terminateFirst = status == null || !status.isTerminal();
                }
            }
            StartOrchestration start = new StartOrchestration(instanceId, name, input, null, scheduledStart,
                    Instant.now(), callbackUrl, trace, version, tags);
            RecordMetadata ack;
            if (terminateFirst) {
                List<RecordMetadata> acks = hub.publisher().publishAll(List.of(new TerminateOrchestration(instanceId,
                        "Replaced by a new start of the same instance ID (ID reuse policy)."), start), trace);
                ack = acks.getLast();
            } else {
                ack = hub.publisher().publish(start, trace);
            }
            if (!views.awaitConsumed(new TopicPartition(ack.topic(), ack.partition()), ack.offset(), barrierTimeout)) {
                LOG.warn("the views of hub {} did not see the start of '{}' ({}-{}@{}) within {}", hub.name(),
                        instanceId, ack.topic(), ack.partition(), ack.offset(), barrierTimeout);
            }
            return new Started(instanceId, ack);
        } finally {
            hub.unlockStart(instanceId, lock);
        }
    }

    /**
     * Starts the instance's orchestration again with its input, version and tags, under a new ID or the same one
     * (which must not be active: 409). An unknown instance is 400, as in the extension ({@code RestartAsync} throws
     * an argument error).
     */
    public Started restart(HubServices hub, String instanceId, boolean newInstanceId, TraceContext trace)
            throws InterruptedException, PublishException {
        InstanceIds.validate(instanceId);
        // An entity ID is no orchestration to restart (the nodes dead-letter starts of '@' IDs).
        InstanceView view = hub.views().findConsistent(instanceId, barrierTimeout)
                .filter(v -> !EntityInstanceId.isEntityId(instanceId))
                .orElseThrow(() -> ApiException.badRequest("InstanceNotFound", "InstanceId does not match a valid "
                        + "orchestration instance: no instance with ID '" + instanceId + "' was found."));
        if (!newInstanceId) {
            CommandRefusals.check(InstanceCommand.START, instanceId, view);
        }
        String target = newInstanceId ? InstanceIds.generate() : instanceId;
        // The same orchestration as it was started: name, input, and the version and tags an SDK client gave it.
        return start(hub, target, view.status().name(), view.status().input(), null, null, trace, null,
                view.status().version(), view.status().tags());
    }

    /**
     * The checks of a start's name and ID that need no view (callers that validate a whole request before acting
     * run them first; {@link #start} runs them too).
     *
     * @throws ApiException 400 for an empty or unknown orchestrator name, an invalid ID or an entity ID
     */
    public void checkStart(String name, String instanceId) {
        checkKnown(name);
        InstanceIds.validate(instanceId);
        if (EntityInstanceId.isEntityId(instanceId)) {
            throw ApiException.badRequest("InvalidInstanceId", "Orchestration instance IDs must not start with '@': "
                    + "such IDs name durable entities (@name@key).");
        }
    }

    /** @throws ApiException 400 for an empty or unknown orchestrator name */
    public void checkKnown(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("MissingOrchestrator", "The orchestrator name must not be empty.");
        }
        if (!knownOrchestrations.isEmpty() && !knownOrchestrations.contains(name)) {
            throw ApiException.badRequest("UnknownOrchestrator", "The function '" + name
                    + "' doesn't exist, is disabled, or is not an orchestrator function. Known orchestrators: "
                    + knownOrchestrations.stream().sorted().toList());
        }
    }

    // ------------------------------------------------------------------------------------------ status

    /** The instance, consistent with every start accepted before (absent: unknown, or an invalid ID: 400). */
    public Optional<InstanceView> find(HubServices hub, String instanceId) throws InterruptedException {
        InstanceIds.validate(instanceId);
        return hub.views().findConsistent(instanceId, barrierTimeout);
    }

    /** As {@link #find}, 404 when unknown. */
    public InstanceView require(HubServices hub, String instanceId) throws InterruptedException {
        return find(hub, instanceId).orElseThrow(() -> CommandRefusals.notFound(instanceId));
    }

    /** One page of the instances matching {@code query} after {@code continuation} (null: the first page). */
    public Page<InstanceView> list(HubServices hub, InstanceQuery query, String continuation, int top)
            throws InterruptedException {
        String after = InstanceApi.decodeToken(continuation);
        ReadViews views = hub.views();
        views.awaitAllCaughtUp(barrierTimeout);
        return query.page(views.store(), after, top, scanBudget);
    }

    /** The continuation token that resumes after {@code page} (null: it was the last). */
    public static String continuation(Page<?> page) {
        return page.hasMore() ? InstanceApi.encodeToken(page.resume()) : null;
    }

    // -------------------------------------------------------------------------------------- commands

    /**
     * Sends {@code message}, a command to an orchestration instance, once the instance's status in the views
     * allows {@code command} (the rule book's verdict, {@link CommandRefusals}).
     *
     * @throws ApiException 404 unknown (or an entity ID), 410 ended, 412 not Failed (rewind)
     */
    public RecordMetadata command(HubServices hub, InstanceCommand command, OrchestrationMessage message,
                                  TraceContext trace) throws InterruptedException, PublishException {
        check(hub, command, message.instanceId());
        return hub.publisher().publish(message, trace);
    }

    /**
     * The refusal check of {@link #command} alone, for callers that check the instance before they validate the
     * rest of a request.
     */
    public void check(HubServices hub, InstanceCommand command, String instanceId) throws InterruptedException {
        InstanceIds.validate(instanceId);
        CommandRefusals.check(command, instanceId, findOrchestration(hub, instanceId));
    }

    /**
     * The orchestration instance for a command (consistent with every start accepted before), or null when there
     * is none. An entity ID ('@' first) is 404 at once, since the nodes dead-letter orchestration commands for
     * entities (the entity routes manage entities).
     */
    private InstanceView findOrchestration(HubServices hub, String instanceId) throws InterruptedException {
        if (EntityInstanceId.isEntityId(instanceId)) {
            throw new ApiException(404, "InstanceNotFound", "'" + instanceId + "' is a durable entity, not an "
                    + "orchestration instance: use the entity operations.");
        }
        return hub.views().findConsistent(instanceId, barrierTimeout).orElse(null);
    }

    /**
     * Terminates the instance and, when {@code recursive}, every active sub-orchestration below it (found in the
     * views by their parent IDs, all generations).
     *
     * @return how many instances were sent a termination
     * @throws ApiException as {@link #command} for the instance itself
     */
    public int terminate(HubServices hub, String instanceId, String reason, boolean recursive, TraceContext trace)
            throws InterruptedException, PublishException {
        command(hub, InstanceCommand.TERMINATE, new TerminateOrchestration(instanceId, reason), trace);
        if (!recursive) {
            return 1;
        }
        ReadViews views = hub.views();
        views.awaitAllCaughtUp(barrierTimeout);
        Map<String, List<String>> children = new HashMap<>();
        new InstanceQuery("", null, null, RuntimeStatus.WAITING_FOR_COMPLETION).forEachMatch(views.store(), v -> {
            String parent = v.status().parentInstanceId();
            if (parent != null) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(v.instanceId());
            }
        });
        List<OrchestrationMessage> terminations = new ArrayList<>();
        Deque<String> parents = new ArrayDeque<>(List.of(instanceId));
        Set<String> seen = new HashSet<>(parents);
        while (!parents.isEmpty()) {
            for (String child : children.getOrDefault(parents.poll(), List.of())) {
                if (seen.add(child)) {
                    terminations.add(new TerminateOrchestration(child, reason));
                    parents.add(child);
                }
            }
        }
        if (!terminations.isEmpty()) {
            hub.publisher().publishAll(terminations, trace);
        }
        return 1 + terminations.size();
    }

    // ------------------------------------------------------------------------------------------- purge

    /**
     * Purges one instance in a terminal state and waits (up to the purge wait) for the views to drop it.
     *
     * @throws ApiException 404 unknown, 412 not in a terminal state
     */
    public void purge(HubServices hub, String instanceId, TraceContext trace)
            throws InterruptedException, PublishException {
        RecordMetadata ack = command(hub, InstanceCommand.PURGE, new PurgeInstance(instanceId), trace);
        awaitPurged(hub.views(), instanceId, ack.offset(), System.nanoTime() + purgeWait.toNanos());
    }

    /**
     * Purges every instance in a terminal state created in {@code [from, to]} (null: no bound; {@code to} defaults to
     * now) with one of {@code statuses} (null: any), waits (up to the purge wait) for the views to drop them, and
     * returns how many were purged.
     */
    public int purgeMany(HubServices hub, Instant from, Instant to, Set<RuntimeStatus> statuses, TraceContext trace)
            throws InterruptedException, PublishException {
        Set<RuntimeStatus> purgeable = EnumSet.noneOf(RuntimeStatus.class);
        for (RuntimeStatus s : statuses == null || statuses.isEmpty() ? EnumSet.allOf(RuntimeStatus.class) : statuses) {
            if (InstanceCommand.PURGE.verdict(s) == InstanceCommand.Verdict.APPLY) {
                purgeable.add(s);
            }
        }
        ReadViews views = hub.views();
        List<String> ids = new ArrayList<>();
        if (!purgeable.isEmpty()) {
            views.awaitAllCaughtUp(barrierTimeout);
            new InstanceQuery("", from, to == null ? Instant.now() : to, purgeable)
                    .forEachMatch(views.store(), v -> ids.add(v.instanceId()));
        }
        if (ids.isEmpty()) {
            return 0;
        }
        List<OrchestrationMessage> purges = new ArrayList<>(ids.size());
        ids.forEach(id -> purges.add(new PurgeInstance(id)));
        List<RecordMetadata> acks = hub.publisher().publishAll(purges, trace);
        long deadline = System.nanoTime() + purgeWait.toNanos();
        for (int i = 0; i < ids.size(); i++) {
            if (!awaitPurged(views, ids.get(i), acks.get(i).offset(), deadline)) {
                break;
            }
        }
        return ids.size();
    }

    /** Waits (until the deadline) for the view to drop the instance, or to show inputs after the purge. */
    private static boolean awaitPurged(ReadViews views, String instanceId, long purgeOffset, long deadline)
            throws InterruptedException {
        Predicate<Optional<InstanceView>> gone = v -> v.isEmpty() || v.get().status().inputOffset() > purgeOffset;
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        boolean done = gone.test(views.awaitInstance(instanceId, gone, left));
        if (!done) {
            LOG.info("purge of '{}' accepted, but not yet applied by the nodes within the purge wait", instanceId);
        }
        return done;
    }
}
