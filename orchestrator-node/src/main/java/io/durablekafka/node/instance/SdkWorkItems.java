package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.AbandonOrchestratorWork;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.InstanceState.SdkWork;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.node.replay.Action;
import io.durablekafka.node.replay.CriticalSectionRules;
import io.durablekafka.node.replay.OrchestratorResponse;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replay seam served by out-of-process SDK workers instead of the in-process {@code OrchestrationRunner}: new
 * events become an {@link OrchestratorWorkItem} (past events plus new ones), and the worker's answer becomes the same
 * {@link OrchestratorResponse} the runner would have made, recorded by {@link ExecutionSteps} (so the
 * {@link ActionDispatcher}, timers, completion and continue-as-new are the engine's own).
 *
 * <p>One work item per instance is outstanding at a time; events that arrive meanwhile wait in the instance's
 * {@link SdkWork} and make the next one. The pair (execution ID, {@code workSeq}) is the completion token: an answer
 * for another execution or an older work item is stale and ignored. An unanswered work item is issued again, with a
 * new {@code workSeq}, when its deadline timer ({@link #WORK_TIMER}) fires or a gateway abandons it.
 */
final class SdkWorkItems {

    /** Timer ID of an outstanding work item's deadline; task IDs are never negative, -1 is the scheduled start. */
    static final int WORK_TIMER = -2;

    private final FunctionRegistry registry;
    private final HistoryReader history;
    private final Duration timeout;

    SdkWorkItems(FunctionRegistry registry, HistoryReader history, Duration timeout) {
        this.registry = registry;
        this.history = history;
        this.timeout = timeout;
    }

    /** New events for the execution: a work item now, or later if one is outstanding. */
    void offer(InstanceDraft d, List<HistoryEvent> events) {
        SdkWork w = d.sdkWork();
        if (w != null && w.outstanding()) {
            d.setSdkWork(new SdkWork(w.seq(), w.inFlight(), concat(w.waiting(), events), w.deadline()));
            return;
        }
        issue(d, w == null ? 0 : w.seq(), events);
    }

    /** The deadline of the outstanding work item passed (its timer fired). */
    void expired(InstanceDraft d) {
        SdkWork w = d.sdkWork();
        if (d.exists() && !d.status().isTerminal() && w != null && w.outstanding()) {
            reissue(d, w);
        }
    }

    /** A gateway gave the work item up: issue it again now (a stale abandon changes nothing). */
    void abandoned(InstanceDraft d, AbandonOrchestratorWork a) {
        SdkWork w = d.sdkWork();
        if (d.exists() && !d.status().isTerminal() && w != null && w.outstanding()
                && a.executionId().equals(d.executionId()) && a.workSeq() == w.seq()) {
            reissue(d, w);
        }
    }

    /**
     * Validates a worker's answer against the instance's state and turns it into the response the engine records;
     * null when it is stale (not the outstanding work item of the current execution). The events of the work item
     * enter history first, each action's scheduling event after them, with this step's time.
     */
    OrchestratorResponse answer(InstanceDraft d, CompleteOrchestratorWork c) {
        SdkWork w = d.sdkWork();
        if (!d.exists() || d.status().isTerminal() || w == null || !w.outstanding()
                || !d.executionId().equals(c.executionId()) || c.workSeq() != w.seq()) {
            return null;
        }
        if (d.status() == RuntimeStatus.Suspended) {
            // Suspended since the work item went out: the code must not move on now. Its events are kept, ahead of
            // the ones kept since, and make a new work item on resume.
            setAside(d, w);
            return null;
        }
        d.cancelTimer(WORK_TIMER);
        d.setSdkWork(new SdkWork(w.seq(), List.of(), w.waiting(), null));
        List<HistoryEvent> appended = new ArrayList<>(w.inFlight());
        List<Action> actions = new ArrayList<>(c.actions().size());
        String invalid = null;
        List<HistoryEvent> past = d.history(history);
        Set<Integer> used = usedTaskIds(past);
        EntityRules entities = EntityRules.of(d.entityLock(), past, w.inFlight());
        for (HistoryEvent e : c.actions()) {
            Action a = toAction(e, entities);
            if (a == null || a.taskId() < 0 || !used.add(a.taskId())) {
                invalid = "the SDK worker's answer has an invalid action " + e + " (unsupported kind, a field missing, or a task ID in use)";
                break;
            }
            String refused = entities.refusal(a);
            if (refused != null) {
                invalid = "the SDK worker's answer has an invalid action " + e + ": " + refused;
                break;
            }
            actions.add(a);
            appended.add(a.toEvent(d.now()));
        }
        if (invalid == null) {
            invalid = entities.unfinished();
        }
        OrchestratorResponse.Completion completion;
        if (invalid != null) {
            actions.clear();
            appended.subList(w.inFlight().size(), appended.size()).clear();
            completion = new OrchestratorResponse.Failed(FailureDetails.of("InvalidWorkerResponse", invalid));
        } else {
            completion = completionOf(c);
        }
        if (completion != null) {
            appended.add(switch (completion) {
                case OrchestratorResponse.Completed done ->
                        new HistoryEvent.ExecutionCompleted(d.now(), RuntimeStatus.Completed, done.output(), null);
                case OrchestratorResponse.Failed f ->
                        new HistoryEvent.ExecutionCompleted(d.now(), RuntimeStatus.Failed, null, f.failure());
                case OrchestratorResponse.ContinuedAsNew n ->
                        new HistoryEvent.ExecutionCompleted(d.now(), RuntimeStatus.ContinuedAsNew, n.input(), null);
            });
        }
        return new OrchestratorResponse(appended, actions, c.customStatus(), completion);
    }

    /** After an answer was recorded: the events that waited meanwhile make the next work item. */
    void issueWaiting(InstanceDraft d) {
        SdkWork w = d.sdkWork();
        if (d.exists() && !d.status().isTerminal() && w != null && !w.outstanding() && !w.waiting().isEmpty()) {
            issue(d, w.seq(), w.waiting());
        }
    }

    private void setAside(InstanceDraft d, SdkWork w) {
        d.cancelTimer(WORK_TIMER);
        List<HistoryEvent> keptSince = d.takeDeferred();
        concat(w.inFlight(), w.waiting()).forEach(d::defer);
        keptSince.forEach(d::defer);
        d.setSdkWork(new SdkWork(w.seq(), List.of(), List.of(), null));
    }

    private void reissue(InstanceDraft d, SdkWork w) {
        if (d.status() == RuntimeStatus.Suspended) {
            setAside(d, w);
            return;
        }
        d.cancelTimer(WORK_TIMER);
        issue(d, w.seq(), concat(w.inFlight(), w.waiting()));
    }

    private void issue(InstanceDraft d, long lastSeq, List<HistoryEvent> events) {
        List<HistoryEvent> past = d.history(history);
        List<HistoryEvent> fresh = accepted(past, events);
        if (fresh.isEmpty()) {
            d.setSdkWork(new SdkWork(lastSeq, List.of(), List.of(), null)); // only duplicates: nothing to run
            return;
        }
        long seq = lastSeq + 1;
        var deadline = d.now().plus(timeout);
        d.setSdkWork(new SdkWork(seq, fresh, List.of(), deadline));
        d.armTimer(WORK_TIMER, deadline);
        d.issueWork(new OrchestratorWorkItem(d.instanceId(), d.executionId(), seq, d.name(), past, fresh));
    }

    /** The queue of an activity an SDK orchestration schedules: the node's registry's if it knows it, else sdk. */
    private String queueOf(String activity) {
        return registry.activity(activity).isPresent() ? registry.taskQueueOf(activity) : TopicNames.SDK_TASK_QUEUE;
    }

    private Action toAction(HistoryEvent e, EntityRules entities) {
        return switch (e) {
            case HistoryEvent.TaskScheduled s when s.name() != null ->
                    new Action.ScheduleActivity(s.taskId(), s.name(), s.input(), queueOf(s.name()));
            case HistoryEvent.TimerCreated t when t.fireAt() != null -> new Action.CreateTimer(t.taskId(), t.fireAt());
            case HistoryEvent.SubOrchestrationInstanceCreated s when s.name() != null && s.instanceId() != null ->
                    new Action.StartSubOrchestration(s.taskId(), s.name(), s.instanceId(), s.input());
            case HistoryEvent.EventSent s when s.name() != null && s.instanceId() != null ->
                    new Action.SendEvent(s.taskId(), s.instanceId(), s.name(), s.input());
            case HistoryEvent.EntityOperationCalled c when isEntityId(c.entityId()) && hasText(c.operation()) ->
                    new Action.CallEntityOperation(c.taskId(), c.entityId(), c.operation(), c.input(), c.requestId());
            case HistoryEvent.EntityOperationSignaled s when isEntityId(s.entityId()) && hasText(s.operation()) ->
                    new Action.SignalEntityOperation(s.taskId(), s.entityId(), s.operation(), s.input(),
                            s.scheduledTime(), s.requestId());
            case HistoryEvent.EntityLockRequested l when l.lockSet() != null && !l.lockSet().isEmpty()
                    && l.lockSet().stream().allMatch(SdkWorkItems::isEntityId) ->
                    new Action.LockEntities(l.taskId(), List.copyOf(l.lockSet()), l.criticalSectionId());
            case HistoryEvent.EntityUnlockSent u when u.lockSet() != null && !u.lockSet().isEmpty() ->
                    entities.unlock(u);
            default -> null;
        };
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    /** An entity ID as the entities' topic keys them ({@code @name@key}, the name in lower case). */
    private static boolean isEntityId(String id) {
        try {
            io.durablekafka.sdk.EntityInstanceId.parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The locking rules an SDK worker's actions must keep, checked action by action over one answer (the SDKs keep
     * them too; the node checks them because a broken answer would leave entities locked or deadlocked): those of
     * in-process code ({@link CriticalSectionRules}), and what the protocol adds since an SDK's lock is a request and a
     * grant the code awaits, and its unlocks come one per entity: no calls before the grant; the unlocks name the
     * section (its {@code criticalSectionId}) and release all of it, together, in one answer.
     */
    static final class EntityRules {
        private Integer lockTaskId;       // the open critical section's lock task (null: none)
        private List<String> lockSet = List.of();
        private String criticalSectionId;
        private boolean granted;
        private Set<String> toRelease;     // entities the unlocks of this answer have yet to release (null: none sent)

        static EntityRules of(io.durablekafka.common.store.InstanceState.EntityLockState lock, List<HistoryEvent> past,
                              List<HistoryEvent> delivered) {
            EntityRules r = new EntityRules();
            if (lock != null) {
                r.lockTaskId = lock.taskId();
                r.lockSet = lock.entities();
                for (HistoryEvent e : concat(past, delivered)) {
                    if (e instanceof HistoryEvent.EntityLockRequested l && l.taskId() == lock.taskId()) {
                        r.criticalSectionId = l.criticalSectionId();
                    } else if (e instanceof HistoryEvent.EntityLockGranted g && g.taskScheduledId() == lock.taskId()) {
                        r.granted = true;
                    }
                }
            }
            return r;
        }

        /** The action for an unlock of the open critical section (null when none is open). */
        Action unlock(HistoryEvent.EntityUnlockSent u) {
            return lockTaskId == null ? null
                    : new Action.UnlockEntities(u.taskId(), lockTaskId, List.copyOf(u.lockSet()), u.criticalSectionId());
        }

        /** Why {@code a} breaks the rules (null: it keeps them); a kept action moves the state on. */
        String refusal(Action a) {
            if (toRelease != null && !(a instanceof Action.UnlockEntities)) {
                return "the unlocks of critical section " + lockSet + " must come together (" + toRelease + " still locked)";
            }
            List<String> locked = lockTaskId == null ? null : lockSet;
            switch (a) {
                case Action.CallEntityOperation c -> {
                    if (lockTaskId != null && !granted) {
                        return "an entity call while the lock of " + lockSet + " is not granted yet";
                    }
                    return CriticalSectionRules.call(locked, c.entityId());
                }
                case Action.SignalEntityOperation s -> {
                    return CriticalSectionRules.signal(locked, s.entityId());
                }
                case Action.StartSubOrchestration s -> {
                    return CriticalSectionRules.subOrchestration(locked, s.name());
                }
                case Action.LockEntities l -> {
                    String broken = CriticalSectionRules.lock(locked, l.entities());
                    if (broken != null) {
                        return broken;
                    }
                    lockTaskId = l.taskId();
                    lockSet = l.entities();
                    criticalSectionId = l.criticalSectionId();
                    granted = false;
                }
                case Action.UnlockEntities u -> {
                    if (!java.util.Objects.equals(u.criticalSectionId(), criticalSectionId)) {
                        return "an unlock of critical section '" + u.criticalSectionId() + "'; the open one is '"
                                + criticalSectionId + "'";
                    }
                    if (toRelease == null) {
                        toRelease = new HashSet<>(lockSet);
                    }
                    if (!toRelease.containsAll(u.entities())) {
                        return "an unlock of " + u.entities() + ", which the critical section " + lockSet
                                + " does not hold (or released already)";
                    }
                    u.entities().forEach(toRelease::remove);
                    if (toRelease.isEmpty()) {
                        toRelease = null;
                        lockTaskId = null;
                        lockSet = List.of();
                        criticalSectionId = null;
                    }
                }
                default -> {
                }
            }
            return null;
        }

        /** After the last action: why the answer left a critical section half released (null: it did not). */
        String unfinished() {
            return toRelease == null ? null : "the SDK worker's answer released only part of critical section "
                    + lockSet + " (" + toRelease + " still locked)";
        }
    }

    private static OrchestratorResponse.Completion completionOf(CompleteOrchestratorWork c) {
        HistoryEvent.ExecutionCompleted end = c.completion();
        if (end == null) {
            return null;
        }
        return switch (end.orchestrationStatus()) {
            case Completed -> new OrchestratorResponse.Completed(end.result());
            case ContinuedAsNew -> new OrchestratorResponse.ContinuedAsNew(end.result(), c.carriedOver());
            case Failed -> new OrchestratorResponse.Failed(end.failure() != null ? end.failure()
                    : FailureDetails.of("OrchestrationFailed", "the SDK worker reported a failure without details"));
            default -> new OrchestratorResponse.Failed(FailureDetails.of("InvalidWorkerResponse",
                    "the SDK worker ended the execution as " + end.orchestrationStatus()
                            + "; only Completed, Failed and ContinuedAsNew are supported"));
        };
    }

    /**
     * The events a work item delivers: results for tasks that are not open (duplicates: activities are
     * at-least-once) are left out, so that SDK workers see each result once, as in-process code does.
     */
    static List<HistoryEvent> accepted(List<HistoryEvent> past, List<HistoryEvent> events) {
        Set<Integer> open = new HashSet<>();
        for (HistoryEvent e : past) {
            track(open, e);
        }
        List<HistoryEvent> accepted = new ArrayList<>(events.size());
        for (HistoryEvent e : events) {
            Integer result = resultOf(e);
            if (result == null || open.remove(result)) {
                accepted.add(e);
            }
        }
        return accepted;
    }

    private static void track(Set<Integer> open, HistoryEvent e) {
        Integer result = resultOf(e);
        if (result != null) {
            open.remove(result);
        } else if (Action.isScheduling(e)) {
            taskIdOf(e).ifPresent(open::add);
        }
    }

    private static Set<Integer> usedTaskIds(List<HistoryEvent> history) {
        Set<Integer> used = new HashSet<>();
        for (HistoryEvent e : history) {
            taskIdOf(e).ifPresent(used::add);
        }
        return used;
    }

    private static java.util.Optional<Integer> taskIdOf(HistoryEvent e) {
        return java.util.Optional.ofNullable(switch (e) {
            case HistoryEvent.TaskScheduled s -> s.taskId();
            case HistoryEvent.TimerCreated t -> t.taskId();
            case HistoryEvent.SubOrchestrationInstanceCreated s -> s.taskId();
            case HistoryEvent.EventSent s -> s.taskId();
            case HistoryEvent.EntityOperationCalled c -> c.taskId();
            case HistoryEvent.EntityOperationSignaled s -> s.taskId();
            case HistoryEvent.EntityLockRequested l -> l.taskId();
            case HistoryEvent.EntityUnlockSent u -> u.taskId();
            default -> null;
        });
    }

    /** The task a result event completes, or null for events that are not results. */
    private static Integer resultOf(HistoryEvent e) {
        return switch (e) {
            case HistoryEvent.TaskCompleted r -> r.taskScheduledId();
            case HistoryEvent.TaskFailed r -> r.taskScheduledId();
            case HistoryEvent.SubOrchestrationInstanceCompleted r -> r.taskScheduledId();
            case HistoryEvent.SubOrchestrationInstanceFailed r -> r.taskScheduledId();
            case HistoryEvent.TimerFired r -> r.timerId();
            case HistoryEvent.EntityOperationCompleted r -> r.taskScheduledId();
            case HistoryEvent.EntityOperationFailed r -> r.taskScheduledId();
            case HistoryEvent.EntityLockGranted r -> r.taskScheduledId();
            default -> null;
        };
    }

    private static List<HistoryEvent> concat(List<HistoryEvent> a, List<HistoryEvent> b) {
        List<HistoryEvent> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
