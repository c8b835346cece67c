package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.serde.Json;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityLock;
import io.durablekafka.sdk.EntityOperationFailedException;
import io.durablekafka.sdk.LockingRulesViolationException;
import io.durablekafka.sdk.RetryPolicy;
import io.durablekafka.sdk.Task;
import io.durablekafka.sdk.TaskCanceledException;
import io.durablekafka.sdk.TaskFailedException;
import io.durablekafka.sdk.TaskOptions;
import io.durablekafka.sdk.TaskOrchestrationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The deterministic state of one execution and the {@link TaskOrchestrationContext} its code sees. Methods
 * are called alternately by the code's virtual thread and the driver (stream thread), never at once: the
 * hand-off in {@link Execution} orders them.
 */
final class ExecutionContext implements TaskOrchestrationContext {

    private final Execution execution;
    private final String instanceId;
    private final String name;
    private final JsonNode input;
    private final String defaultTaskQueue;
    private final java.util.function.Function<String, String> queueOfActivity;

    private Instant currentInstant;
    private boolean replaying;
    private int nextTaskId;
    private long completionSeq;
    private int uuidCounter;

    /** Recorded scheduling events (from history) in order; actions beyond its size are new. */
    private final List<HistoryEvent> recordedSchedules = new ArrayList<>();
    private final List<Action> newActions = new ArrayList<>();
    private final Map<Integer, LeafTask<?>> openTasks = new HashMap<>();
    private final Map<Integer, String> taskNames = new HashMap<>();
    private final Map<String, Deque<LeafTask<?>>> eventWaiters = new HashMap<>();
    /** Events nobody waited for yet, in arrival order (kept for continueAsNew(preserve)). */
    private final LinkedHashMap<Long, HistoryEvent.EventRaised> bufferedEvents = new LinkedHashMap<>();
    private long bufferedSeq;

    /** Entity and operation of open callEntity tasks, for the failure they may end with. */
    private final Map<Integer, EntityCall> entityCalls = new HashMap<>();
    /** The open critical section, or null. */
    private CriticalSection criticalSection;

    private JsonNode customStatus;
    private JsonNode output;
    private boolean continueAsNew;
    private JsonNode continueAsNewInput;
    private boolean preserveUnprocessedEvents;

    ExecutionContext(Execution execution, String instanceId, String name, JsonNode input, String defaultTaskQueue,
                     java.util.function.Function<String, String> queueOfActivity) {
        this.execution = execution;
        this.instanceId = instanceId;
        this.name = name;
        this.input = input;
        this.defaultTaskQueue = defaultTaskQueue;
        this.queueOfActivity = queueOfActivity;
    }

    // ---------------------------------------------------------------- driver side

    void setCurrentInstant(Instant instant) {
        this.currentInstant = instant;
    }

    void setReplaying(boolean replaying) {
        this.replaying = replaying;
    }

    void addRecordedSchedule(HistoryEvent event) {
        recordedSchedules.add(event);
    }

    long nextCompletionSeq() {
        return completionSeq++;
    }

    List<Action> drainNewActions() {
        if (newActions.isEmpty()) {
            return List.of();
        }
        List<Action> drained = List.copyOf(newActions);
        newActions.clear();
        return drained;
    }

    /** True when applying {@code event} would change this execution (false for duplicates and strays). */
    boolean accepts(HistoryEvent event) {
        return switch (event) {
            case HistoryEvent.TaskCompleted e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.TaskFailed e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.TimerFired e -> openTasks.containsKey(e.timerId());
            case HistoryEvent.SubOrchestrationInstanceCompleted e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.SubOrchestrationInstanceFailed e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.EventRaised e -> true;
            case HistoryEvent.EntityOperationCompleted e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.EntityOperationFailed e -> openTasks.containsKey(e.taskScheduledId());
            case HistoryEvent.EntityLockGranted e -> openTasks.containsKey(e.taskScheduledId());
            default -> false;
        };
    }

    /** Applies a completion event to the task it completes. */
    void apply(HistoryEvent event) {
        switch (event) {
            case HistoryEvent.TaskCompleted e -> closeTask(e.taskScheduledId()).complete(e.result());
            case HistoryEvent.TaskFailed e -> {
                int id = e.taskScheduledId();
                closeTask(id).fail(new TaskFailedException(taskNames.getOrDefault(id, "?"), id, e.failure()));
            }
            case HistoryEvent.TimerFired e -> closeTask(e.timerId()).complete(null);
            case HistoryEvent.SubOrchestrationInstanceCompleted e -> closeTask(e.taskScheduledId()).complete(e.result());
            case HistoryEvent.SubOrchestrationInstanceFailed e -> {
                int id = e.taskScheduledId();
                closeTask(id).fail(new TaskFailedException(taskNames.getOrDefault(id, "?"), id, e.failure()));
            }
            case HistoryEvent.EventRaised e -> deliverEvent(e);
            case HistoryEvent.EntityOperationCompleted e -> {
                entityCalls.remove(e.taskScheduledId());
                closeTask(e.taskScheduledId()).complete(e.result());
            }
            case HistoryEvent.EntityOperationFailed e -> {
                int id = e.taskScheduledId();
                EntityCall call = entityCalls.remove(id);
                closeTask(id).fail(call == null
                        ? new TaskFailedException(taskNames.getOrDefault(id, "?"), id, e.failure())
                        : new EntityOperationFailedException(call.entity(), call.operation(), id, e.failure()));
            }
            case HistoryEvent.EntityLockGranted e -> closeTask(e.taskScheduledId()).complete(null);
            default -> throw new IllegalArgumentException("not a completion event: " + event);
        }
    }

    private LeafTask<?> closeTask(int taskId) {
        LeafTask<?> task = openTasks.remove(taskId);
        if (task == null) {
            throw new IllegalStateException("no open task " + taskId);
        }
        return task;
    }

    private void deliverEvent(HistoryEvent.EventRaised e) {
        Deque<LeafTask<?>> waiters = eventWaiters.get(key(e.name()));
        LeafTask<?> waiter = waiters == null ? null : waiters.pollFirst();
        if (waiter != null) {
            waiter.complete(e.input());
        } else {
            bufferedEvents.put(bufferedSeq++, e);
        }
    }

    JsonNode customStatus() {
        return customStatus;
    }

    JsonNode output() {
        return output;
    }

    boolean isContinuedAsNew() {
        return continueAsNew;
    }

    JsonNode continueAsNewInput() {
        return continueAsNewInput;
    }

    /** Events to carry into the next execution on continue-as-new (empty unless asked to preserve them). */
    List<HistoryEvent.EventRaised> carriedOverEvents() {
        return preserveUnprocessedEvents ? List.copyOf(bufferedEvents.values()) : List.of();
    }

    // ---------------------------------------------------------------- code side

    void awaitTask(DurableTask<?> task) {
        execution.awaitTask(task);
    }

    private void checkAlive() {
        execution.checkAlive();
    }

    /**
     * Schedules {@code action} under its task ID: during replay, checks it against the scheduling event recorded
     * for that ID; past the recorded ones, it is new and goes to the driver.
     */
    private void schedule(Action action) {
        checkAlive();
        int id = action.taskId();
        if (id < recordedSchedules.size()) {
            HistoryEvent recorded = recordedSchedules.get(id);
            if (!action.matches(recorded)) {
                throw execution.nonDeterminism("Non-deterministic orchestration '" + name + "' (instance '" + instanceId
                        + "'): step " + id + " was " + Action.describe(recorded) + " in history, but the code now asks for "
                        + action.describe() + ". Orchestrator code must make the same calls in the same order on every replay.");
            }
        } else {
            newActions.add(action);
        }
        nextTaskId = id + 1;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getInstanceId() {
        return instanceId;
    }

    @Override
    public <V> V getInput(Class<V> type) {
        return Json.fromTree(input, type);
    }

    @Override
    public Instant getCurrentInstant() {
        return currentInstant;
    }

    @Override
    public boolean getIsReplaying() {
        return replaying;
    }

    @Override
    public UUID newUUID() {
        checkAlive();
        String seed = instanceId + "|" + currentInstant + "|" + (uuidCounter++);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(seed.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5 (name-based, SHA-1)
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (hash[i] & 0xff);
                lsb = (lsb << 8) | (hash[i + 8] & 0xff);
            }
            return new UUID(msb, lsb);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public <V> Task<V> callActivity(String activityName, Object activityInput, TaskOptions options, Class<V> returnType) {
        requireName(activityName, "activity");
        JsonNode in = Json.toTree(activityInput);
        String queue = options != null && options.taskQueue() != null ? options.taskQueue() : queueOfActivity.apply(activityName);
        RetryPolicy policy = options == null ? null : options.retryPolicy();
        if (policy == null) {
            return scheduleActivity(activityName, in, queue, returnType);
        }
        return new RetriableTask<>(this, policy, () -> scheduleActivity(activityName, in, queue, returnType));
    }

    private <V> LeafTask<V> scheduleActivity(String activityName, JsonNode in, String queue, Class<V> returnType) {
        int id = nextTaskId;
        schedule(new Action.ScheduleActivity(id, activityName, in, queue == null ? defaultTaskQueue : queue));
        return open(id, activityName, returnType);
    }

    @Override
    public <V> Task<V> callSubOrchestrator(String orchestrationName, Object subInput, String subInstanceId,
                                           TaskOptions options, Class<V> returnType) {
        requireName(orchestrationName, "orchestration");
        checkAlive();
        keepLockingRules(CriticalSectionRules.subOrchestration(lockedIds(), orchestrationName));
        JsonNode in = Json.toTree(subInput);
        RetryPolicy policy = options == null ? null : options.retryPolicy();
        if (policy == null) {
            return startSubOrchestration(orchestrationName, in, subInstanceId, returnType);
        }
        return new RetriableTask<>(this, policy, () -> startSubOrchestration(orchestrationName, in, subInstanceId, returnType));
    }

    /** The open critical section's entity IDs, null outside one (the argument of {@link CriticalSectionRules}). */
    private List<String> lockedIds() {
        return criticalSection == null ? null : criticalSection.ids;
    }

    private static void keepLockingRules(String violation) {
        if (violation != null) {
            throw new LockingRulesViolationException(violation);
        }
    }

    private <V> LeafTask<V> startSubOrchestration(String orchestrationName, JsonNode in, String subInstanceId, Class<V> returnType) {
        int id = nextTaskId;
        // A retried sub-orchestration without an explicit ID gets a fresh child ID per attempt.
        String childId = subInstanceId != null ? subInstanceId : instanceId + ":" + String.format("%04d", id);
        schedule(new Action.StartSubOrchestration(id, orchestrationName, childId, in));
        return open(id, orchestrationName, returnType);
    }

    @Override
    public Task<Void> createTimer(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("timer delay must not be negative");
        }
        return timerAt(currentInstant.plus(delay));
    }

    @Override
    public Task<Void> createTimer(ZonedDateTime fireAt) {
        return timerAt(fireAt.toInstant());
    }

    LeafTask<Void> timerAt(Instant fireAt) {
        int id = nextTaskId;
        schedule(new Action.CreateTimer(id, fireAt));
        return open(id, "timer", Void.class);
    }

    private <V> LeafTask<V> open(int id, String taskName, Class<V> type) {
        LeafTask<V> task = new LeafTask<>(this, type);
        openTasks.put(id, task);
        taskNames.put(id, taskName);
        return task;
    }

    @Override
    public <V> Task<V> waitForExternalEvent(String eventName, Duration timeout, Class<V> dataType) {
        checkAlive();
        requireName(eventName, "event");
        LeafTask<V> eventTask = new LeafTask<>(this, dataType);
        var buffered = bufferedEvents.entrySet().stream()
                .filter(e -> key(e.getValue().name()).equals(key(eventName))).findFirst();
        if (buffered.isPresent()) {
            bufferedEvents.remove(buffered.get().getKey());
            eventTask.complete(buffered.get().getValue().input());
            return eventTask;
        }
        Deque<LeafTask<?>> waiters = eventWaiters.computeIfAbsent(key(eventName), k -> new ArrayDeque<>());
        waiters.addLast(eventTask);
        if (timeout == null) {
            return eventTask;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            waiters.remove(eventTask);
            eventTask.fail(new TaskCanceledException("Timeout of " + timeout + " expired while waiting for external event '"
                    + eventName + "'", eventName, -1));
            return eventTask;
        }
        LeafTask<Void> timer = timerAt(currentInstant.plus(timeout));
        timer.whenDone(() -> {
            if (!eventTask.isDone()) {
                waiters.remove(eventTask);
                eventTask.fail(new TaskCanceledException("Timeout of " + timeout + " expired while waiting for external event '"
                        + eventName + "'", eventName, -1));
            }
        });
        return eventTask;
    }

    @Override
    public void sendEvent(String targetInstanceId, String eventName, Object data) {
        requireName(targetInstanceId, "instance ID");
        requireName(eventName, "event");
        schedule(new Action.SendEvent(nextTaskId, targetInstanceId, eventName, Json.toTree(data)));
    }

    // ---------------------------------------------------------------- entities

    @Override
    public <V> Task<V> callEntity(EntityInstanceId entity, String operation, Object operationInput, Class<V> returnType) {
        checkAlive();
        java.util.Objects.requireNonNull(entity, "entity");
        requireName(operation, "operation");
        String entityId = entity.toString();
        keepLockingRules(CriticalSectionRules.call(lockedIds(), entityId));
        int id = nextTaskId;
        schedule(new Action.CallEntityOperation(id, entityId, operation, Json.toTree(operationInput)));
        entityCalls.put(id, new EntityCall(entity, operation));
        return open(id, entityId + "." + operation, returnType);
    }

    @Override
    public void signalEntity(EntityInstanceId entity, String operation, Object operationInput, Instant scheduledTime) {
        checkAlive();
        java.util.Objects.requireNonNull(entity, "entity");
        requireName(operation, "operation");
        String entityId = entity.toString();
        keepLockingRules(CriticalSectionRules.signal(lockedIds(), entityId));
        schedule(new Action.SignalEntityOperation(nextTaskId, entityId, operation, Json.toTree(operationInput), scheduledTime));
    }

    @Override
    public EntityLock lockEntities(List<EntityInstanceId> entities) {
        checkAlive();
        if (entities == null || entities.isEmpty()) {
            throw new IllegalArgumentException("lockEntities needs at least one entity");
        }
        java.util.TreeMap<String, EntityInstanceId> sorted = new java.util.TreeMap<>();
        for (EntityInstanceId e : entities) {
            sorted.put(java.util.Objects.requireNonNull(e, "entity").toString(), e);
        }
        List<String> ids = List.copyOf(sorted.keySet());
        keepLockingRules(CriticalSectionRules.lock(lockedIds(), ids));
        int id = nextTaskId;
        schedule(new Action.LockEntities(id, ids));
        LeafTask<Void> granted = open(id, "lock " + ids, Void.class);
        CriticalSection section = new CriticalSection(id, ids, List.copyOf(sorted.values()));
        criticalSection = section;
        granted.await();
        return section;
    }

    @Override
    public boolean isInCriticalSection() {
        return criticalSection != null;
    }

    private record EntityCall(EntityInstanceId entity, String operation) {
    }

    /** The lock handed to the code; closing it records the unlock. */
    private final class CriticalSection implements EntityLock {
        private final int lockTaskId;
        private final List<String> ids;
        private final List<EntityInstanceId> entities;
        private boolean closed;

        CriticalSection(int lockTaskId, List<String> ids, List<EntityInstanceId> entities) {
            this.lockTaskId = lockTaskId;
            this.ids = ids;
            this.entities = entities;
        }

        @Override
        public List<EntityInstanceId> getLockedEntities() {
            return entities;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (criticalSection == this) {
                schedule(new Action.UnlockEntities(nextTaskId, lockTaskId, ids));
                criticalSection = null;
            }
            closed = true;
        }
    }

    @Override
    public void continueAsNew(Object newInput, boolean preserve) {
        checkAlive();
        this.continueAsNew = true;
        this.continueAsNewInput = Json.toTree(newInput);
        this.preserveUnprocessedEvents = preserve;
    }

    @Override
    public void setCustomStatus(Object status) {
        checkAlive();
        this.customStatus = status == null ? null : Json.toTree(status);
    }

    @Override
    public void complete(Object result) {
        checkAlive();
        this.output = Json.toTree(result);
    }

    @Override
    public <V> Task<List<V>> allOf(List<Task<V>> tasks) {
        checkAlive();
        return new CompositeTasks.AllOf<>(this, tasks);
    }

    @Override
    public Task<Task<?>> anyOf(List<Task<?>> tasks) {
        checkAlive();
        return new CompositeTasks.AnyOf(this, tasks);
    }

    private static String key(String eventName) {
        return eventName.toLowerCase(Locale.ROOT);
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
    }
}
