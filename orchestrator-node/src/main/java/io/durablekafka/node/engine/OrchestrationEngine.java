package io.durablekafka.node.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.node.history.HistoryStore;
import io.durablekafka.node.state.InstanceState;
import io.durablekafka.node.timers.TimerStore;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskOrchestration;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances orchestration instances of one stream task: turns input messages and fired timers into history
 * events, runs the orchestrator code on them and emits what the code asked for. Each call is one atomic step
 * of one instance: its writes are collected in a {@link Step} and applied only when the step succeeded.
 */
public final class OrchestrationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(OrchestrationEngine.class);
    private static final int MAX_CONTINUE_AS_NEW_PER_STEP = 1000;
    /** Timer ID of a scheduled start; task IDs of executions are never negative. */
    private static final int SCHEDULED_START_TIMER = -1;

    private final FunctionRegistry registry;
    private final KeyValueStore<String, InstanceState> instances;
    private final HistoryStore history;
    private final TimerStore timers;
    private final EngineOutputs outputs;
    private final EngineSettings settings;
    private final Clock clock;
    private final ExecutionCache cache;

    public OrchestrationEngine(FunctionRegistry registry, KeyValueStore<String, InstanceState> instances,
                               HistoryStore history, TimerStore timers, EngineOutputs outputs,
                               EngineSettings settings, Clock clock) {
        this.registry = registry;
        this.instances = instances;
        this.history = history;
        this.timers = timers;
        this.outputs = outputs;
        this.settings = settings;
        this.clock = clock;
        this.cache = new ExecutionCache(settings.executionCacheSize());
    }

    /** Why a message was not applied (it goes to the dead-letter topic), or null when it was. */
    public String onMessage(OrchestrationMessage message, long inputOffset) {
        String id = message.instanceId();
        InstanceState state = instances.get(id);
        Step step = new Step(id, state, inputOffset, clock.instant());
        try {
            String rejection = switch (message) {
                case StartOrchestration s -> start(step, s);
                case TerminateOrchestration t -> terminate(step, t);
                case SuspendOrchestration s -> suspend(step, s);
                case ResumeOrchestration r -> resume(step, r);
                case RewindOrchestration r -> rewind(step, r);
                case PurgeInstance purge -> purge(step);
                case RaiseEvent e -> deliver(step, new HistoryEvent.EventRaised(step.now, e.name(), e.input()));
                case CompleteTask c -> sameExecution(step, c.executionId())
                        ? deliver(step, new HistoryEvent.TaskCompleted(step.now, c.taskId(), c.result())) : null;
                case FailTask f -> sameExecution(step, f.executionId())
                        ? deliver(step, new HistoryEvent.TaskFailed(step.now, f.taskId(), f.failure())) : null;
                case CompleteSubOrchestration c -> sameExecution(step, c.executionId())
                        ? deliver(step, new HistoryEvent.SubOrchestrationInstanceCompleted(step.now, c.taskId(), c.result())) : null;
                case FailSubOrchestration f -> sameExecution(step, f.executionId())
                        ? deliver(step, new HistoryEvent.SubOrchestrationInstanceFailed(step.now, f.taskId(), f.failure())) : null;
                case CompleteEntityOperation c -> sameExecution(step, c.executionId())
                        ? deliver(step, new HistoryEvent.EntityOperationCompleted(step.now, c.taskId(), c.result())) : null;
                case FailEntityOperation f -> sameExecution(step, f.executionId())
                        ? deliver(step, new HistoryEvent.EntityOperationFailed(step.now, f.taskId(), f.failure())) : null;
                // A grant for an execution that ended comes after its locks were released: nothing to do.
                case GrantEntityLock g -> sameExecution(step, g.executionId())
                        ? deliver(step, new HistoryEvent.EntityLockGranted(step.now, g.taskId())) : null;
                case SignalEntity ignored -> notForOrchestrations(message);
                case CallEntity ignored -> notForOrchestrations(message);
                case RequestEntityLock ignored -> notForOrchestrations(message);
                case ReleaseEntityLock ignored -> notForOrchestrations(message);
            };
            step.commit();
            return rejection;
        } catch (RuntimeException e) {
            cache.remove(id);
            throw e;
        }
    }

    private static String notForOrchestrations(OrchestrationMessage message) {
        return message.getClass().getSimpleName() + " is an entity message; it was routed to the orchestration engine";
    }

    /** Fires a durable timer that came due (already removed from the timer store). */
    public void onTimer(TimerStore.DueTimer timer) {
        InstanceState state = instances.get(timer.instanceId());
        Step step = new Step(timer.instanceId(), state, state == null ? -1 : state.inputOffset(), clock.instant());
        try {
            if (state != null && state.status() == RuntimeStatus.Pending && timer.timerId() == SCHEDULED_START_TIMER) {
                step.timers.removeIf(t -> t.timerId() == SCHEDULED_START_TIMER);
                List<HistoryEvent> early = List.copyOf(step.deferred);
                step.deferred.clear();
                continueAsNew(step, startExecution(step, early));
            } else if (state != null && state.status().isActive()) {
                step.timers.removeIf(t -> t.timerId() == timer.timerId());
                deliver(step, new HistoryEvent.TimerFired(step.now, timer.timerId(), timer.fireAt()));
            }
            step.commit();
        } catch (RuntimeException e) {
            cache.remove(timer.instanceId());
            throw e;
        }
    }

    /** Drops every live execution (the stream task is closing; its state may move elsewhere). */
    public void close() {
        cache.clear();
    }

    // ------------------------------------------------------------------------------------------ messages

    private String start(Step step, StartOrchestration s) {
        if (s.name() == null || s.name().isBlank()) {
            return "StartOrchestration for '" + step.instanceId + "' has no orchestration name";
        }
        if (step.exists() && step.status.isActive()) {
            String reason = "instance '" + step.instanceId + "' is already " + step.status
                    + "; a start is only accepted for new or ended instances";
            if (s.parent() != null) {
                // A parent waits for this child: tell it, or it would wait forever. No state changes here.
                var p = s.parent();
                outputs.orchestration(new FailSubOrchestration(p.instanceId(), p.executionId(), p.taskId(),
                        FailureDetails.of("InstanceAlreadyExists", reason)));
            }
            return reason;
        }
        if (step.exists()) {
            step.dropHistoryAndTimers();
            cache.remove(step.instanceId);
        }
        String executionId = UUID.nameUUIDFromBytes((step.instanceId + "|" + step.inputOffset + "|" + s.name())
                .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
        step.reset(s.name(), executionId, s.input(), s.parent(), s.requestedTime() != null ? s.requestedTime() : step.now);
        if (s.scheduledStartTime() != null && s.scheduledStartTime().isAfter(step.now)) {
            // Stays Pending until then; a durable timer with the reserved ID starts the execution.
            Instant at = s.scheduledStartTime();
            step.timers.add(new InstanceState.PendingTimer(SCHEDULED_START_TIMER, at));
            step.effects.add(() -> timers.schedule(step.instanceId, SCHEDULED_START_TIMER, at));
            return null;
        }
        runNewExecution(step);
        return null;
    }

    private String terminate(Step step, TerminateOrchestration t) {
        if (!step.exists()) {
            return "instance '" + step.instanceId + "' does not exist";
        }
        if (!step.status.isActive()) {
            return null; // already ended: terminate is a no-op, as in Durable Functions
        }
        step.append(new HistoryEvent.ExecutionTerminated(step.now, t.reason()));
        step.status = RuntimeStatus.Terminated;
        step.output = t.reason() == null ? null : TextNode.valueOf(t.reason());
        step.failure = null;
        step.ended(FailureDetails.of("OrchestrationTerminated", "Instance '" + step.instanceId + "' was terminated"
                + (t.reason() == null ? "" : ": " + t.reason())));
        return null;
    }

    private String suspend(Step step, SuspendOrchestration s) {
        if (!step.exists()) {
            return "instance '" + step.instanceId + "' does not exist";
        }
        if (step.status == RuntimeStatus.Running) {
            appendOutsideCode(step, new HistoryEvent.ExecutionSuspended(step.now, s.reason()));
            step.status = RuntimeStatus.Suspended;
        }
        return null;
    }

    private String resume(Step step, ResumeOrchestration r) {
        if (!step.exists()) {
            return "instance '" + step.instanceId + "' does not exist";
        }
        if (step.status != RuntimeStatus.Suspended) {
            return null;
        }
        appendOutsideCode(step, new HistoryEvent.ExecutionResumed(step.now, r.reason()));
        step.status = RuntimeStatus.Running;
        List<HistoryEvent> deferred = step.deferred;
        step.deferred = new ArrayList<>();
        if (!deferred.isEmpty()) {
            continueAsNew(step, advance(step, loadExecution(step), deferred));
        }
        return null;
    }

    /** Appends an event the code does not see, keeping a cached execution's history count in step. */
    private void appendOutsideCode(Step step, HistoryEvent event) {
        Execution cached = cache.get(step.instanceId);
        boolean inSync = cached != null && cached.executionId().equals(step.executionId)
                && cached.historySize() == step.historySizeBeforeAppends();
        step.append(event);
        if (inSync) {
            cached.countHistory(1);
        }
    }

    private String purge(Step step) {
        if (!step.exists()) {
            return "instance '" + step.instanceId + "' does not exist";
        }
        if (step.status.isActive()) {
            return "instance '" + step.instanceId + "' is " + step.status + "; only ended instances can be purged";
        }
        cache.remove(step.instanceId);
        step.dropHistoryAndTimers();
        step.purged = true;
        return null;
    }

    /**
     * Rewinds a failed instance: the failure events leave history (so failed tasks are open again and run once
     * more), failed sub-orchestrations are rewound too, pending timers are re-armed, and the code replays.
     */
    private String rewind(Step step, RewindOrchestration r) {
        if (!step.exists()) {
            return "instance '" + step.instanceId + "' does not exist";
        }
        if (step.status != RuntimeStatus.Failed) {
            return null;
        }
        cache.remove(step.instanceId);
        List<HistoryEvent> old = history.read(step.instanceId, step.storedHistorySize);
        List<HistoryEvent> kept = new ArrayList<>(old.size());
        java.util.Map<Integer, HistoryEvent.TaskScheduled> activities = new java.util.HashMap<>();
        java.util.Map<Integer, HistoryEvent.SubOrchestrationInstanceCreated> children = new java.util.HashMap<>();
        java.util.Map<Integer, HistoryEvent.TimerCreated> openTimers = new java.util.LinkedHashMap<>();
        HistoryEvent.EntityLockRequested[] openLock = new HistoryEvent.EntityLockRequested[1];
        for (HistoryEvent e : old) {
            switch (e) {
                case HistoryEvent.TaskScheduled s -> {
                    activities.put(s.taskId(), s);
                    kept.add(e);
                }
                case HistoryEvent.SubOrchestrationInstanceCreated s -> {
                    children.put(s.taskId(), s);
                    kept.add(e);
                }
                case HistoryEvent.TimerCreated t -> {
                    openTimers.put(t.taskId(), t);
                    kept.add(e);
                }
                case HistoryEvent.TimerFired t -> {
                    openTimers.remove(t.timerId());
                    kept.add(e);
                }
                case HistoryEvent.EntityLockRequested l -> {
                    openLock[0] = l;
                    kept.add(e);
                }
                case HistoryEvent.EntityUnlockSent u -> {
                    openLock[0] = null;
                    kept.add(e);
                }
                case HistoryEvent.TaskFailed f -> {
                    HistoryEvent.TaskScheduled s = activities.get(f.taskScheduledId());
                    if (s != null) {
                        String executionId = step.executionId;
                        step.effects.add(() -> outputs.activity(registry.taskQueueOf(s.name()),
                                new ActivityRequest(step.instanceId, executionId, s.taskId(), s.name(), s.input())));
                    }
                }
                case HistoryEvent.SubOrchestrationInstanceFailed f -> {
                    HistoryEvent.SubOrchestrationInstanceCreated s = children.get(f.taskScheduledId());
                    if (s != null) {
                        step.effects.add(() -> outputs.orchestration(new RewindOrchestration(s.instanceId(), r.reason())));
                    }
                }
                case HistoryEvent.ExecutionCompleted c when c.orchestrationStatus() == RuntimeStatus.Failed -> {
                    // the failure being rewound
                }
                default -> kept.add(e);
            }
        }
        step.dropHistoryAndTimers();
        kept.forEach(step::append);
        step.status = RuntimeStatus.Running;
        step.output = null;
        step.failure = null;
        for (HistoryEvent.TimerCreated t : openTimers.values()) {
            step.timers.add(new InstanceState.PendingTimer(t.taskId(), t.fireAt()));
            step.effects.add(() -> timers.schedule(step.instanceId, t.taskId(), t.fireAt()));
        }
        if (openLock[0] != null) {
            // It failed inside a critical section, whose locks were released then: ask for them again (same lock
            // task, so the grant completes a wait that replay re-opens, and is ignored when it was granted before).
            HistoryEvent.EntityLockRequested l = openLock[0];
            step.entityLock = new InstanceState.EntityLockState(l.taskId(), l.lockSet());
            String executionId = step.executionId;
            step.effects.add(() -> outputs.orchestration(new RequestEntityLock(l.lockSet().getFirst(), step.instanceId,
                    executionId, l.taskId(), l.lockSet(), 0)));
        }
        // Replay now: code that failed by itself (not through a task) fails again at once.
        Execution exec = loadExecution(step);
        if (exec != null) {
            if (exec.isFinished()) {
                finish(step, exec);
            } else {
                cache.put(step.instanceId, exec);
            }
        }
        return null;
    }

    private boolean sameExecution(Step step, String executionId) {
        // Results for an execution that is gone (ended, continued-as-new, restarted) are stale duplicates.
        return step.exists() && (executionId == null || executionId.equals(step.executionId));
    }

    private String deliver(Step step, HistoryEvent event) {
        if (!step.exists()) {
            return event instanceof HistoryEvent.EventRaised
                    ? "instance '" + step.instanceId + "' does not exist; event dropped" : null;
        }
        if (!step.status.isActive()) {
            return null; // late result or event for an ended instance: nothing to do
        }
        if (step.status == RuntimeStatus.Suspended || step.status == RuntimeStatus.Pending) {
            // Suspended: delivered on resume. Pending (scheduled start): delivered when the execution starts.
            step.deferred.add(event);
            return null;
        }
        continueAsNew(step, advance(step, loadExecution(step), List.of(event)));
        return null;
    }

    // ------------------------------------------------------------------------------------------ executions

    /** Starts the execution {@code step} was reset to, then follows any continue-as-new it asks for. */
    private void runNewExecution(Step step) {
        continueAsNew(step, startExecution(step, List.of()));
    }

    private void continueAsNew(Step step, ContinueAsNew next) {
        for (int round = 1; next != null; round++) {
            if (round > MAX_CONTINUE_AS_NEW_PER_STEP) {
                fail(step, FailureDetails.of("ContinueAsNewLoop", "orchestration continued as new "
                        + MAX_CONTINUE_AS_NEW_PER_STEP + " times without awaiting anything"));
                return;
            }
            step.releaseEntityLock();
            step.dropHistoryAndTimers();
            String executionId = UUID.nameUUIDFromBytes((step.executionId + "|continue").getBytes(StandardCharsets.UTF_8))
                    .toString().replace("-", "");
            step.reset(step.name, executionId, next.input(), step.parent, step.createdTime);
            next = startExecution(step, next.carriedOver());
        }
    }

    private ContinueAsNew startExecution(Step step, List<HistoryEvent> carriedOver) {
        TaskOrchestration code = registry.orchestration(step.name).orElse(null);
        if (code == null) {
            fail(step, FailureDetails.of("OrchestratorNotFound", "The orchestrator function '" + step.name
                    + "' does not exist on this node. Registered orchestrators: " + registry.orchestrationNames()));
            return null;
        }
        Execution exec = newExecution(step, code);
        List<HistoryEvent> events = new ArrayList<>();
        events.add(new HistoryEvent.ExecutionStarted(step.now, step.name, step.executionId, step.input,
                step.parent == null ? null : step.parent.instanceId(),
                step.parent == null ? null : step.parent.executionId(),
                step.parent == null ? null : step.parent.taskId()));
        events.addAll(carriedOver);
        step.status = RuntimeStatus.Running;
        return advance(step, exec, events);
    }

    private record ContinueAsNew(JsonNode input, List<HistoryEvent> carriedOver) {
    }

    private Execution newExecution(Step step, TaskOrchestration code) {
        return new Execution(step.instanceId, step.name, step.executionId, step.input, code,
                io.durablekafka.common.topics.TopicNames.DEFAULT_TASK_QUEUE, registry::taskQueueOf, settings.yieldTimeout());
    }

    /** The cached execution if it is exactly at the stored history, else one rebuilt by replay. */
    private Execution loadExecution(Step step) {
        Execution cached = cache.get(step.instanceId);
        if (cached != null && cached.executionId().equals(step.executionId)
                && cached.historySize() == step.historySizeBeforeAppends() && !cached.isFinished()) {
            return cached;
        }
        cache.remove(step.instanceId);
        TaskOrchestration code = registry.orchestration(step.name).orElse(null);
        if (code == null) {
            fail(step, FailureDetails.of("OrchestratorNotFound", "The orchestrator function '" + step.name
                    + "' does not exist on this node"));
            return null;
        }
        Execution exec = newExecution(step, code);
        List<HistoryEvent> stored = history.read(step.instanceId, step.storedHistorySize);
        List<HistoryEvent> all = new ArrayList<>(stored);
        all.addAll(step.appended);
        exec.replay(all);
        return exec;
    }

    /**
     * Appends {@code incoming} events one at a time, letting the code react to each, and handles the end of
     * the execution. Returns the continuation when the code continued as new.
     */
    private ContinueAsNew advance(Step step, Execution exec, List<HistoryEvent> incoming) {
        if (exec == null) {
            return null; // already failed while loading
        }
        if (exec.isFinished()) {
            return finish(step, exec); // replay ended the execution (non-determinism)
        }
        boolean episodeStarted = false;
        for (HistoryEvent event : incoming) {
            boolean isStart = event instanceof HistoryEvent.ExecutionStarted;
            if (!isStart && !exec.context().accepts(event)) {
                LOG.debug("instance {}: ignoring {} (duplicate or not awaited)", step.instanceId, event);
                continue;
            }
            if (!episodeStarted) {
                HistoryEvent started = new HistoryEvent.OrchestratorStarted(step.now);
                step.append(started);
                exec.step(started);
                exec.countHistory(1);
                episodeStarted = true;
            }
            step.append(event);
            List<Action> actions = exec.step(event);
            exec.countHistory(1);
            for (Action action : actions) {
                step.append(take(step, exec, action));
                exec.countHistory(1);
            }
            if (exec.isFinished()) {
                break;
            }
        }
        if (!episodeStarted) {
            return null;
        }
        step.customStatus = exec.context().customStatus();
        if (exec.isFinished()) {
            return finish(step, exec);
        }
        cache.put(step.instanceId, exec);
        return null;
    }

    /** Turns a new action into its history event and its output record. */
    private HistoryEvent take(Step step, Execution exec, Action action) {
        return switch (action) {
            case Action.ScheduleActivity a -> {
                if (settings.taskQueues().contains(a.taskQueue())) {
                    step.effects.add(() -> outputs.activity(a.taskQueue(),
                            new ActivityRequest(step.instanceId, step.executionId, a.taskId(), a.name(), a.input())));
                } else {
                    // No topic for that queue: fail the task through the normal result path instead of losing it.
                    step.effects.add(() -> outputs.orchestration(new FailTask(step.instanceId, step.executionId, a.taskId(),
                            FailureDetails.of("UnknownTaskQueue", "task queue '" + a.taskQueue() + "' of activity '"
                                    + a.name() + "' is not provisioned; known queues: " + settings.taskQueues()))));
                }
                yield new HistoryEvent.TaskScheduled(step.now, a.taskId(), a.name(), a.input());
            }
            case Action.CreateTimer t -> {
                step.timers.add(new InstanceState.PendingTimer(t.taskId(), t.fireAt()));
                step.effects.add(() -> timers.schedule(step.instanceId, t.taskId(), t.fireAt()));
                yield new HistoryEvent.TimerCreated(step.now, t.taskId(), t.fireAt());
            }
            case Action.StartSubOrchestration s -> {
                var parent = new StartOrchestration.ParentInstance(step.instanceId, step.executionId, s.taskId());
                step.effects.add(() -> outputs.orchestration(
                        new StartOrchestration(s.instanceId(), s.name(), s.input(), parent, null, step.now)));
                yield new HistoryEvent.SubOrchestrationInstanceCreated(step.now, s.taskId(), s.name(), s.instanceId(), s.input());
            }
            case Action.SendEvent e -> {
                step.effects.add(() -> outputs.orchestration(new RaiseEvent(e.instanceId(), e.name(), e.input())));
                yield new HistoryEvent.EventSent(step.now, e.taskId(), e.instanceId(), e.name(), e.input());
            }
            case Action.CallEntityOperation c -> {
                String executionId = step.executionId;
                step.effects.add(() -> outputs.orchestration(new CallEntity(c.entityId(), c.operation(), c.input(),
                        step.instanceId, executionId, c.taskId())));
                yield new HistoryEvent.EntityOperationCalled(step.now, c.taskId(), c.entityId(), c.operation(), c.input());
            }
            case Action.SignalEntityOperation sig -> {
                step.effects.add(() -> outputs.orchestration(new SignalEntity(sig.entityId(), sig.operation(), sig.input(),
                        sig.scheduledTime(), step.instanceId)));
                yield new HistoryEvent.EntityOperationSignaled(step.now, sig.taskId(), sig.entityId(), sig.operation(),
                        sig.input(), sig.scheduledTime());
            }
            case Action.LockEntities l -> {
                step.entityLock = new InstanceState.EntityLockState(l.taskId(), l.entities());
                String executionId = step.executionId;
                step.effects.add(() -> outputs.orchestration(new RequestEntityLock(l.entities().getFirst(),
                        step.instanceId, executionId, l.taskId(), l.entities(), 0)));
                yield new HistoryEvent.EntityLockRequested(step.now, l.taskId(), l.entities());
            }
            case Action.UnlockEntities u -> {
                step.entityLock = null;
                String executionId = step.executionId;
                step.effects.add(() -> u.entities().forEach(entity -> outputs.orchestration(
                        new ReleaseEntityLock(entity, step.instanceId, executionId, u.lockTaskId()))));
                yield new HistoryEvent.EntityUnlockSent(step.now, u.taskId(), u.entities());
            }
        };
    }

    private ContinueAsNew finish(Step step, Execution exec) {
        cache.remove(step.instanceId);
        Throwable failure = exec.failure();
        ExecutionContext ctx = exec.context();
        if (failure != null) {
            FailureDetails details = failure instanceof NonDeterministicOrchestrationException
                    ? new FailureDetails("NonDeterministicOrchestrationException", failure.getMessage(), null, null)
                    : FailureDetails.of(failure);
            fail(step, details);
            return null;
        }
        if (ctx.isContinuedAsNew()) {
            step.append(new HistoryEvent.ExecutionCompleted(step.now, RuntimeStatus.ContinuedAsNew, ctx.continueAsNewInput(), null));
            return new ContinueAsNew(ctx.continueAsNewInput(), List.copyOf(ctx.carriedOverEvents()));
        }
        step.append(new HistoryEvent.ExecutionCompleted(step.now, RuntimeStatus.Completed, ctx.output(), null));
        step.status = RuntimeStatus.Completed;
        step.output = ctx.output();
        step.failure = null;
        step.ended(null);
        return null;
    }

    private void fail(Step step, FailureDetails details) {
        cache.remove(step.instanceId);
        step.append(new HistoryEvent.ExecutionCompleted(step.now, RuntimeStatus.Failed, null, details));
        step.status = RuntimeStatus.Failed;
        step.output = TextNode.valueOf("Orchestrator function '" + step.name + "' failed: " + details.errorMessage());
        step.failure = details;
        step.ended(details);
    }

    // ------------------------------------------------------------------------------------------ step

    /** The changes of one instance in one call, applied together by {@link #commit()}. */
    private final class Step {
        final String instanceId;
        final InstanceState before;
        final long inputOffset;
        final Instant now;

        String name;
        String executionId;
        RuntimeStatus status;
        JsonNode input;
        JsonNode output;
        JsonNode customStatus;
        FailureDetails failure;
        Instant createdTime;
        StartOrchestration.ParentInstance parent;
        List<HistoryEvent> deferred;
        List<InstanceState.PendingTimer> timers;
        InstanceState.EntityLockState entityLock;
        long storedHistorySize;
        final List<HistoryEvent> appended = new ArrayList<>();
        final List<Runnable> effects = new ArrayList<>();
        boolean changed;
        boolean purged;

        Step(String instanceId, InstanceState before, long inputOffset, Instant now) {
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
                storedHistorySize = before.historySize();
            } else {
                deferred = new ArrayList<>();
                timers = new ArrayList<>();
            }
        }

        boolean exists() {
            return status != null;
        }

        long historySizeBeforeAppends() {
            return storedHistorySize + appended.size();
        }

        void append(HistoryEvent event) {
            changed = true;
            appended.add(event);
        }

        /** Forgets the current execution's history and timers (new start of an ended instance, continue-as-new). */
        void dropHistoryAndTimers() {
            changed = true;
            long oldSize = storedHistorySize;
            List<HistoryEvent> unstored = List.copyOf(appended);
            appended.clear();
            storedHistorySize = 0;
            List<InstanceState.PendingTimer> oldTimers = List.copyOf(timers);
            timers.clear();
            long total = oldSize + unstored.size();
            effects.add(() -> {
                history.delete(instanceId, oldSize);
                for (long seq = 0; seq < total; seq++) {
                    outputs.history(HistoryRecord.key(instanceId, seq), null);
                }
                oldTimers.forEach(t -> OrchestrationEngine.this.timers.cancel(instanceId, t.timerId(), t.fireAt()));
            });
        }

        void reset(String newName, String newExecutionId, JsonNode newInput, StartOrchestration.ParentInstance newParent,
                   Instant created) {
            changed = true;
            name = newName;
            executionId = newExecutionId;
            input = newInput;
            parent = newParent;
            createdTime = created;
            status = RuntimeStatus.Pending;
            output = null;
            customStatus = null;
            failure = null;
            deferred = new ArrayList<>();
        }

        /**
         * Releases the locks of a critical section the execution is in (or waits for): a release goes to every
         * entity of the lock set, which either unlocks or cancels the request still on its way.
         */
        void releaseEntityLock() {
            if (entityLock == null) {
                return;
            }
            changed = true;
            InstanceState.EntityLockState lock = entityLock;
            String owner = executionId;
            entityLock = null;
            effects.add(() -> lock.entities().forEach(entity -> outputs.orchestration(
                    new ReleaseEntityLock(entity, instanceId, owner, lock.taskId()))));
        }

        /** The execution ended: tell the parent, drop pending timers, release entity locks. */
        void ended(FailureDetails failureForParent) {
            changed = true;
            releaseEntityLock();
            List<InstanceState.PendingTimer> pending = List.copyOf(timers);
            timers.clear();
            deferred.clear();
            effects.add(() -> pending.forEach(t -> OrchestrationEngine.this.timers.cancel(instanceId, t.timerId(), t.fireAt())));
            if (parent != null) {
                var p = parent;
                JsonNode result = output;
                effects.add(() -> outputs.orchestration(failureForParent == null
                        ? new CompleteSubOrchestration(p.instanceId(), p.executionId(), p.taskId(), result)
                        : new FailSubOrchestration(p.instanceId(), p.executionId(), p.taskId(), failureForParent)));
            }
        }

        void commit() {
            boolean deferredChanged = before != null && !before.deferred().equals(deferred);
            if (!changed && !deferredChanged) {
                return;
            }
            if (purged) {
                effects.forEach(Runnable::run);
                instances.delete(instanceId);
                outputs.status(instanceId, null);
                return;
            }
            long base = storedHistorySize;
            InstanceState after = new InstanceState(instanceId, name, executionId, status, input, output, customStatus,
                    failure, createdTime, now, base + appended.size(), parent, deferred, timers, inputOffset, entityLock);
            effects.forEach(Runnable::run);
            for (int i = 0; i < appended.size(); i++) {
                HistoryEvent event = appended.get(i);
                long seq = base + i;
                history.append(instanceId, seq, event);
                // Episode markers matter for replay only (the store has them); readers of the topic skip them.
                if (!(event instanceof HistoryEvent.OrchestratorStarted)) {
                    outputs.history(HistoryRecord.key(instanceId, seq), new HistoryRecord(instanceId, executionId, seq, event));
                }
            }
            instances.put(instanceId, after);
            outputs.status(instanceId, after.toStatus());
        }
    }
}
