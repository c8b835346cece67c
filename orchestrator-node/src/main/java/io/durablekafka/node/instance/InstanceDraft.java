package io.durablekafka.node.instance;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.StartOrchestration.ParentInstance;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.InstanceState.EntityLockState;
import io.durablekafka.common.store.InstanceState.PendingTimer;
import io.durablekafka.common.webhooks.CompletionNotice;
import io.durablekafka.common.webhooks.WebhookDelivery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes one step makes to one instance, on a typed copy of its stored {@link InstanceState}: command
 * handlers change the draft through its methods (which keep the status machine, timers, locks and history
 * consistent) and {@link #finish()} turns it into a {@link StepResult}. Nothing is written before that.
 */
public final class InstanceDraft {

    /** The ends a completion callback is sent for (Canceled is never reached by orchestrations here). */
    private static final java.util.Set<RuntimeStatus> WEBHOOK_STATUSES =
            java.util.EnumSet.of(RuntimeStatus.Completed, RuntimeStatus.Failed, RuntimeStatus.Terminated);

    private final String instanceId;
    private final InstanceState before;
    private final long inputOffset;
    private final Instant now;

    private String name;
    private String executionId;
    private RuntimeStatus status;
    private JsonNode input;
    private JsonNode output;
    private JsonNode customStatus;
    private FailureDetails failure;
    private Instant createdTime;
    private ParentInstance parent;
    private final List<HistoryEvent> deferred;
    private final List<PendingTimer> timers;
    private EntityLockState entityLock;
    private RuntimeStatus publishedStatus;
    private String callbackUrl;
    private TraceContext traceContext;
    private String version;
    private java.util.Map<String, String> tags;
    private InstanceState.SdkWork sdkWork;
    /** Events of the current execution already in the store (0 once the step dropped them). */
    private long storedHistorySize;
    private final List<HistoryEvent> appended = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();
    private boolean changed;
    /**
     * The status moved in this step. The status topic gets the final status even when it equals the one published
     * before (a rewound instance that fails again, a restarted one that completes again in one step).
     */
    private boolean statusMoved;
    private boolean historyDropped;
    private boolean purged;

    private InstanceDraft(String instanceId, InstanceState before, long inputOffset, Instant now) {
        this.instanceId = instanceId;
        this.before = before;
        this.inputOffset = inputOffset;
        this.now = now;
        if (before != null) {
            name = before.name();
            executionId = before.executionId();
            status = before.status();
            input = before.input();
            output = before.output();
            customStatus = before.customStatus();
            failure = before.failure();
            createdTime = before.createdTime();
            parent = before.parent();
            deferred = new ArrayList<>(before.deferred());
            timers = new ArrayList<>(before.timers());
            entityLock = before.entityLock();
            publishedStatus = before.publishedStatus();
            callbackUrl = before.callbackUrl();
            traceContext = before.traceContext();
            version = before.version();
            tags = before.tags();
            sdkWork = before.sdkWork();
            storedHistorySize = before.historySize();
        } else {
            deferred = new ArrayList<>();
            timers = new ArrayList<>();
        }
    }

    /**
     * @param before      the stored record (null: the instance does not exist)
     * @param inputOffset offset of the input record this step applies (the stored one for timer steps)
     * @param now         the step's time: the timestamp of everything it records
     */
    public static InstanceDraft of(String instanceId, InstanceState before, long inputOffset, Instant now) {
        return new InstanceDraft(instanceId, before, inputOffset, now);
    }

    // ------------------------------------------------------------------------------------------ reading

    public String instanceId() {
        return instanceId;
    }

    public Instant now() {
        return now;
    }

    public long inputOffset() {
        return inputOffset;
    }

    public boolean exists() {
        return status != null && !purged;
    }

    public RuntimeStatus status() {
        return status;
    }

    public String name() {
        return name;
    }

    public String executionId() {
        return executionId;
    }

    public JsonNode input() {
        return input;
    }

    public ParentInstance parent() {
        return parent;
    }

    public Instant createdTime() {
        return createdTime;
    }

    public String callbackUrl() {
        return callbackUrl;
    }

    public TraceContext traceContext() {
        return traceContext;
    }

    public String version() {
        return version;
    }

    public java.util.Map<String, String> tags() {
        return tags;
    }

    public EntityLockState entityLock() {
        return entityLock;
    }

    /** The SDK worker's work of the current execution (null: none). */
    public InstanceState.SdkWork sdkWork() {
        return sdkWork;
    }

    public List<HistoryEvent> deferred() {
        return List.copyOf(deferred);
    }

    public List<PendingTimer> timers() {
        return List.copyOf(timers);
    }

    /** Events of the current execution, stored and appended by this step. */
    public long historySize() {
        return storedHistorySize + appended.size();
    }

    /** The current execution's history as it stands in this step: the stored events, then the appended ones. */
    public List<HistoryEvent> history(HistoryReader reader) {
        List<HistoryEvent> all = new ArrayList<>(storedHistorySize == 0 ? List.of() : reader.read(instanceId));
        all.addAll(appended);
        return all;
    }

    // ------------------------------------------------------------------------------------------ changing

    /** Moves the instance along the status machine; a transition {@link RuntimeStatus} does not allow is a bug. */
    public void transitionTo(RuntimeStatus next) {
        if (status != null && !status.canTransitionTo(next)) {
            throw new IllegalStateException("instance '" + instanceId + "': no transition from " + status + " to " + next);
        }
        statusMoved |= next != status;
        status = next;
        changed = true;
    }

    public void append(HistoryEvent event) {
        appended.add(event);
        changed = true;
    }

    public void appendAll(List<HistoryEvent> events) {
        appended.addAll(events);
        changed = !events.isEmpty() || changed;
    }

    public void setCustomStatus(JsonNode value) {
        if (!java.util.Objects.equals(customStatus, value)) {
            customStatus = value;
            changed = true;
        }
    }

    public void setSdkWork(InstanceState.SdkWork work) {
        if (!java.util.Objects.equals(sdkWork, work)) {
            sdkWork = work;
            changed = true;
        }
    }

    /** A work item for SDK workers, on the {@code sdk-orchestrator-work} topic. */
    public void issueWork(io.durablekafka.common.messages.OrchestratorWorkItem item) {
        effects.add(new Effect.IssueWork(item));
    }

    /** Cancels the pending timers with ID {@code timerId} (an internal timer the step no longer needs). */
    public void cancelTimer(int timerId) {
        timers.removeIf(t -> {
            if (t.timerId() != timerId) {
                return false;
            }
            effects.add(new Effect.CancelTimer(new DueItem.Timer(instanceId, t.timerId(), t.fireAt())));
            changed = true;
            return true;
        });
    }

    /** Keeps an event for later delivery (suspended, or before a scheduled start). */
    public void defer(HistoryEvent event) {
        deferred.add(event);
        changed = true;
    }

    /** Takes the deferred events out, restamped with this step's time: they enter history now. */
    public List<HistoryEvent> takeDeferred() {
        List<HistoryEvent> taken = new ArrayList<>(deferred.size());
        for (HistoryEvent e : deferred) {
            taken.add(Restamp.at(e, now));
        }
        if (!deferred.isEmpty()) {
            deferred.clear();
            changed = true;
        }
        return taken;
    }

    /**
     * Starts over with a new execution (a start, a start that replaces an ended instance, continue-as-new): the old
     * execution's history and timers go, the status is Pending until the new execution runs.
     */
    public void newExecution(String newName, String newExecutionId, JsonNode newInput, ParentInstance newParent,
                             Instant created) {
        dropHistoryAndTimers();
        name = newName;
        executionId = newExecutionId;
        input = newInput;
        parent = newParent;
        createdTime = created;
        status = RuntimeStatus.Pending;
        output = null;
        customStatus = null;
        failure = null;
        deferred.clear();
        sdkWork = null;
        changed = true;
    }

    /**
     * The completion callback of the instance from now on (a start sets it, null included; continue-as-new and rewind
     * keep it).
     */
    public void setCallbackUrl(String url) {
        if (!java.util.Objects.equals(callbackUrl, url)) {
            callbackUrl = url;
            changed = true;
        }
    }

    /**
     * The version and tags of the instance from now on (a start sets them, nulls included; continue-as-new and rewind
     * keep them, as the callback).
     */
    public void setVersionAndTags(String newVersion, java.util.Map<String, String> newTags) {
        java.util.Map<String, String> normalized = newTags == null || newTags.isEmpty() ? null : newTags;
        if (!java.util.Objects.equals(version, newVersion) || !java.util.Objects.equals(tags, normalized)) {
            version = newVersion;
            tags = normalized;
            changed = true;
        }
    }

    /**
     * The trace context of the instance from now on (a start sets it, null included; continue-as-new and rewind keep
     * it), carried as headers on the records the instance causes.
     */
    public void setTraceContext(TraceContext context) {
        if (!java.util.Objects.equals(traceContext, context)) {
            traceContext = context;
            changed = true;
        }
    }

    /** Forgets the current execution's history and pending timers. */
    public void dropHistoryAndTimers() {
        if (storedHistorySize > 0 || (before != null && before.historySize() > 0)) {
            historyDropped = true;
        }
        storedHistorySize = 0;
        appended.clear();
        cancelTimers();
        changed = true;
    }

    public void armTimer(int timerId, Instant fireAt) {
        timers.add(new PendingTimer(timerId, fireAt));
        effects.add(new Effect.ArmTimer(new DueItem.Timer(instanceId, timerId, fireAt)));
        changed = true;
    }

    /** The timer fired (its index entry is gone already): it is no longer pending. */
    public void timerFired(int timerId) {
        changed |= timers.removeIf(t -> t.timerId() == timerId);
    }

    public void send(OrchestrationMessage message) {
        effects.add(new Effect.Send(message));
    }

    public void dispatch(String taskQueue, ActivityRequest request) {
        effects.add(new Effect.Dispatch(taskQueue, request));
    }

    public void lockRequested(EntityLockState lock) {
        entityLock = lock;
        changed = true;
    }

    /** The code closed its critical section (the releases are sent by the caller). */
    public void lockReleased() {
        entityLock = null;
        changed = true;
    }

    /**
     * Releases the locks of a critical section the execution is in (or waits for): a release goes to every entity
     * of the lock set, which either unlocks or cancels the request still on its way.
     */
    public void releaseEntityLock() {
        if (entityLock == null) {
            return;
        }
        for (String entity : entityLock.entities()) {
            send(new ReleaseEntityLock(entity, instanceId, executionId, entityLock.taskId()));
        }
        entityLock = null;
        changed = true;
    }

    /** The execution completed with {@code result}. */
    public void complete(JsonNode result) {
        transitionTo(RuntimeStatus.Completed);
        output = result;
        failure = null;
        ended(null);
    }

    /** The execution failed: the output says so (as Durable Functions shows it), the details are kept. */
    public void fail(FailureDetails details) {
        transitionTo(RuntimeStatus.Failed);
        output = com.fasterxml.jackson.databind.node.TextNode.valueOf("Orchestrator function '" + name + "' failed: "
                + details.errorMessage());
        failure = details;
        ended(details);
    }

    /** Terminated: the reason becomes the output; a waiting parent sees a failure. */
    public void terminate(String reason) {
        transitionTo(RuntimeStatus.Terminated);
        output = reason == null ? null : com.fasterxml.jackson.databind.node.TextNode.valueOf(reason);
        failure = null;
        ended(FailureDetails.of("OrchestrationTerminated", "Instance '" + instanceId + "' was terminated"
                + (reason == null ? "" : ": " + reason)));
    }

    /** Back to Running after a failure (rewind): the failure is forgotten. */
    public void revive() {
        transitionTo(RuntimeStatus.Running);
        output = null;
        failure = null;
    }

    public void purge() {
        dropHistoryAndTimers();
        purged = true;
        changed = true;
    }

    /** The execution ended: tell the parent, drop pending timers and deferred events, release entity locks. */
    private void ended(FailureDetails failureForParent) {
        releaseEntityLock();
        cancelTimers();
        deferred.clear();
        sdkWork = null;
        if (parent != null) {
            send(failureForParent == null
                    ? new CompleteSubOrchestration(parent.instanceId(), parent.executionId(), parent.taskId(), output)
                    : new FailSubOrchestration(parent.instanceId(), parent.executionId(), parent.taskId(), failureForParent));
        }
    }

    /**
     * The {@code webhook-id} of the callback for this version of the instance: derived from what identifies the end
     * (execution and record revision), so a step replayed after an aborted transaction names the same delivery.
     */
    static String webhookId(InstanceState ended) {
        return "msg_" + java.util.UUID.nameUUIDFromBytes((ended.instanceId() + "|" + ended.executionId() + "|"
                + ended.revision()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    private void cancelTimers() {
        for (PendingTimer t : timers) {
            effects.add(new Effect.CancelTimer(new DueItem.Timer(instanceId, t.timerId(), t.fireAt())));
        }
        timers.clear();
    }

    // ------------------------------------------------------------------------------------------ result

    public StepResult finish() {
        if (purged) {
            List<Effect> all = new ArrayList<>(effects);
            if (before != null && before.publishedStatus() != null) {
                all.add(new Effect.PublishStatus(instanceId, null));
            }
            return new StepResult(instanceId, null, before != null, true, null, all, false);
        }
        if (!changed) {
            return new StepResult(instanceId, before, false, false, null, effects, false);
        }
        HistoryChunk chunk = appended.isEmpty() ? null
                : new HistoryChunk(instanceId, executionId, storedHistorySize, appended);
        RuntimeStatus published = publishedStatus;
        boolean publish = statusMoved || status != publishedStatus;
        if (publish) {
            published = status;
        }
        InstanceState after = new InstanceState(instanceId, name, executionId, status, input, output, customStatus,
                failure, createdTime, now, historySize(), parent, deferred, timers, inputOffset, entityLock, published,
                before == null ? 1 : before.revision() + 1, callbackUrl, traceContext, sdkWork, version, tags);
        List<Effect> all = new ArrayList<>(effects);
        if (publish) {
            all.add(new Effect.PublishStatus(instanceId, after.toStatus()));
        }
        boolean ended = status.isTerminal() && (before == null || before.status() != status || historyDropped);
        if (ended && callbackUrl != null && WEBHOOK_STATUSES.contains(status)) {
            all.add(new Effect.RequestWebhook(WebhookDelivery.first(webhookId(after), callbackUrl,
                    new CompletionNotice(instanceId, name, status, output, createdTime, now), now)));
        }
        return new StepResult(instanceId, after, true, historyDropped, chunk, all, ended);
    }
}
