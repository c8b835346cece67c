package io.durablekafka.node.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.TaskOrchestration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One live execution of an orchestration: its code runs on a virtual thread that parks whenever it awaits a
 * task without a result, handing control back to the driver (the stream thread). The driver applies history
 * events one at a time and lets the code run until it blocks again, so a live step costs only the new events.
 * Replay is the same: the stored events applied in order, with scheduling calls matched against their records.
 *
 * <p>The orchestration's clock is the timestamp of the event being applied: the time the event entered history.
 * Live and on replay the code sees the same instants without extra marker events.
 */
final class Execution {

    private final String instanceId;
    private final String executionId;
    private final TaskOrchestration orchestration;
    private final ExecutionContext ctx;
    private final Duration yieldTimeout;

    private final Semaphore codeTurn = new Semaphore(0);
    private final Semaphore driverTurn = new Semaphore(0);
    private Thread thread;
    private volatile boolean abandoned;
    private volatile boolean finished;
    private Throwable failure;
    private NonDeterministicOrchestrationException nonDeterminism;
    private DurableTask<?> awaiting;
    /** History events of this execution in the store as far as this object knows: the cache's in-step stamp. */
    private long historySize;

    Execution(String instanceId, String name, String executionId, JsonNode input, TaskOrchestration orchestration,
              String defaultTaskQueue, Function<String, String> queueOfActivity, Duration yieldTimeout) {
        this.instanceId = instanceId;
        this.executionId = executionId;
        this.orchestration = orchestration;
        this.yieldTimeout = yieldTimeout;
        this.ctx = new ExecutionContext(this, instanceId, name, input, defaultTaskQueue, queueOfActivity);
    }

    String executionId() {
        return executionId;
    }

    ExecutionContext context() {
        return ctx;
    }

    long historySize() {
        return historySize;
    }

    void countHistory(long events) {
        historySize += events;
    }

    boolean isFinished() {
        return finished;
    }

    Throwable failure() {
        return nonDeterminism != null ? nonDeterminism : failure;
    }

    /**
     * Rebuilds the execution from its stored history (ExecutionStarted first). Leaves it ready for new events, or
     * finished with a failure (non-determinism included).
     */
    void replay(List<HistoryEvent> history) {
        for (HistoryEvent e : history) {
            if (Action.isScheduling(e)) {
                ctx.addRecordedSchedule(e);
            }
        }
        ctx.setReplaying(true);
        try {
            for (HistoryEvent e : history) {
                apply(e);
                if (finished) {
                    break;
                }
            }
        } finally {
            ctx.setReplaying(false);
        }
        historySize = history.size();
        // Actions met during replay are in history already. Recorded steps the code has not re-taken are no error:
        // a rewound instance can leave some behind, and a step the code takes later is matched against its record.
        ctx.drainNewActions();
    }

    /** True when applying {@code event} would change this execution (false for duplicates and strays). */
    boolean accepts(HistoryEvent event) {
        return event instanceof HistoryEvent.ExecutionStarted ? thread == null : ctx.accepts(event);
    }

    /** Applies one history event (live or replayed); returns the actions the code took in reaction. */
    List<Action> apply(HistoryEvent event) {
        switch (event) {
            case HistoryEvent.ExecutionStarted s -> {
                ctx.setCurrentInstant(s.timestamp());
                start();
            }
            case HistoryEvent.TaskCompleted e -> applyCompletion(e);
            case HistoryEvent.TaskFailed e -> applyCompletion(e);
            case HistoryEvent.TimerFired e -> applyCompletion(e);
            case HistoryEvent.SubOrchestrationInstanceCompleted e -> applyCompletion(e);
            case HistoryEvent.SubOrchestrationInstanceFailed e -> applyCompletion(e);
            case HistoryEvent.EventRaised e -> applyCompletion(e);
            case HistoryEvent.EntityOperationCompleted e -> applyCompletion(e);
            case HistoryEvent.EntityOperationFailed e -> applyCompletion(e);
            case HistoryEvent.EntityLockGranted e -> applyCompletion(e);
            default -> {
                // Scheduling events are matched when the code re-takes them; the rest carry no input for the code.
            }
        }
        return ctx.drainNewActions();
    }

    private void applyCompletion(HistoryEvent event) {
        if (!ctx.accepts(event)) {
            return;
        }
        ctx.setCurrentInstant(event.timestamp());
        ctx.apply(event);
        if (awaiting != null && awaiting.isDone()) {
            resume();
        }
    }

    private void start() {
        if (thread != null) {
            return;
        }
        thread = Thread.ofVirtual().name("orchestration-" + instanceId).unstarted(this::runCode);
        thread.start();
        resume();
    }

    private void runCode() {
        try {
            codeTurn.acquireUninterruptibly();
            if (abandoned) {
                return;
            }
            orchestration.run(ctx);
        } catch (ExecutionAbandoned ignored) {
            // evicted: the thread just ends
        } catch (Throwable t) {
            failure = t;
        } finally {
            finished = true;
            awaiting = null;
            driverTurn.release();
        }
    }

    /** Lets the code run until it awaits an unfinished task or ends. */
    private void resume() {
        if (finished) {
            return;
        }
        codeTurn.release();
        try {
            if (!driverTurn.tryAcquire(yieldTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                nonDeterminism = null;
                failure = new IllegalStateException("orchestrator code of '" + ctx.getName() + "' ran for more than "
                        + yieldTimeout + " without awaiting a task; orchestrator code must not block or loop");
                finished = true;
                abandon();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new IllegalStateException("interrupted while running orchestrator code", e);
        }
    }

    /** Called on the code thread by {@link io.durablekafka.sdk.Task#await()}. */
    void awaitTask(DurableTask<?> task) {
        checkAlive();
        while (!task.isDone()) {
            awaiting = task;
            driverTurn.release();
            codeTurn.acquireUninterruptibly();
            checkAlive();
        }
        awaiting = null;
    }

    void checkAlive() {
        if (abandoned) {
            throw ExecutionAbandoned.INSTANCE;
        }
        if (nonDeterminism != null) {
            throw nonDeterminism;
        }
    }

    NonDeterministicOrchestrationException nonDeterminism(String message) {
        nonDeterminism = new NonDeterministicOrchestrationException(message);
        return nonDeterminism;
    }

    /** Ends the code's thread (it unwinds from its await); the execution can no longer be used. */
    void abandon() {
        abandoned = true;
        if (thread != null && !finished) {
            codeTurn.release();
        }
    }
}
