package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.AbandonOrchestratorWork;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.CompleteSubOrchestration;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.PurgeInstance;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.node.replay.OrchestrationRunner;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Instant;

/**
 * Advances orchestration instances: a message (or a fired timer) and the instance's stored record in, a
 * {@link StepResult} out. Each message type has its handler; all of them work on an {@link InstanceDraft} and run
 * code through the replay core ({@link OrchestrationRunner}). The only storage this touches is the history it
 * reads on a cache miss, through the {@link HistoryReader}: writing the result is the caller's job.
 */
public final class OrchestrationEngine {

    private final OrchestrationRunner runner;
    private final StartHandler start;
    private final TerminateHandler terminate;
    private final SuspendHandler suspend;
    private final ResumeHandler resume;
    private final RewindHandler rewind;
    private final PurgeHandler purge;
    private final EventHandler events;
    private final TimerHandler timers;
    private final ExecutionSteps steps;

    public OrchestrationEngine(FunctionRegistry registry, EngineSettings settings, HistoryReader history) {
        this.runner = new OrchestrationRunner(registry, settings.executionCacheSize(), settings.yieldTimeout());
        ActionDispatcher dispatcher = new ActionDispatcher(settings.taskQueues());
        ExecutionSteps steps = new ExecutionSteps(runner, dispatcher, history, registry, settings.sdkWorkers(),
                settings.sdkWorkTimeout());
        this.start = new StartHandler(steps, runner);
        this.terminate = new TerminateHandler(runner);
        this.suspend = new SuspendHandler(runner);
        this.resume = new ResumeHandler(steps, runner);
        this.rewind = new RewindHandler(steps, runner, dispatcher, registry, history);
        this.steps = steps;
        this.purge = new PurgeHandler(runner);
        this.events = new EventHandler(steps);
        this.timers = new TimerHandler(steps, events);
    }

    /** What a step did, and why its message was refused (it goes to the dead-letter topic) or null. */
    public record Outcome(StepResult step, String rejection) {
    }

    /**
     * Applies a message for orchestration instance {@code message.instanceId()}.
     *
     * @param before      the instance's stored record (null: none)
     * @param inputOffset the message's offset in the instance's {@code orchestrations} partition
     * @param now         the step's time
     */
    public Outcome onMessage(InstanceState before, OrchestrationMessage message, long inputOffset, Instant now) {
        InstanceDraft d = InstanceDraft.of(message.instanceId(), before, inputOffset, now);
        try {
            String rejection = switch (message) {
                case StartOrchestration s -> start.handle(d, s);
                case TerminateOrchestration t -> terminate.handle(d, t);
                case SuspendOrchestration s -> suspend.handle(d, s);
                case ResumeOrchestration r -> resume.handle(d, r);
                case RewindOrchestration r -> rewind.handle(d, r);
                case PurgeInstance p -> purge.handle(d, p);
                case RaiseEvent e -> events.raise(d, new HistoryEvent.EventRaised(now, e.name(), e.input()));
                case CompleteTask c -> events.result(d, c.executionId(),
                        new HistoryEvent.TaskCompleted(now, c.taskId(), c.result()));
                case FailTask f -> events.result(d, f.executionId(),
                        new HistoryEvent.TaskFailed(now, f.taskId(), f.failure()));
                case CompleteSubOrchestration c -> events.result(d, c.executionId(),
                        new HistoryEvent.SubOrchestrationInstanceCompleted(now, c.taskId(), c.result()));
                case FailSubOrchestration f -> events.result(d, f.executionId(),
                        new HistoryEvent.SubOrchestrationInstanceFailed(now, f.taskId(), f.failure()));
                case CompleteEntityOperation c -> events.result(d, c.executionId(),
                        new HistoryEvent.EntityOperationCompleted(now, c.taskId(), c.result()));
                case FailEntityOperation f -> events.result(d, f.executionId(),
                        new HistoryEvent.EntityOperationFailed(now, f.taskId(), f.failure()));
                // A grant for an execution that ended comes after its locks were released: nothing to do.
                case GrantEntityLock g -> events.result(d, g.executionId(),
                        new HistoryEvent.EntityLockGranted(now, g.taskId()));
                case CompleteOrchestratorWork c -> {
                    steps.completeSdkWork(d, c);
                    yield null;
                }
                case AbandonOrchestratorWork a -> {
                    steps.abandonSdkWork(d, a);
                    yield null;
                }
                case EntityMessage m -> m.getClass().getSimpleName()
                        + " is an entity message; it was routed to the orchestration engine";
                case io.durablekafka.common.messages.EntityWorkAnswer w -> w.getClass().getSimpleName()
                        + " is for an entity's SDK work; it was routed to the orchestration engine";
            };
            return new Outcome(d.finish(), rejection);
        } catch (RuntimeException | Error e) {
            runner.forget(message.instanceId());
            throw e;
        }
    }

    /** Fires a timer that came due (already taken out of the due-time index). */
    public StepResult onTimer(InstanceState before, DueItem.Timer timer, Instant now) {
        InstanceDraft d = InstanceDraft.of(timer.instanceId(), before, before == null ? -1 : before.inputOffset(), now);
        try {
            timers.fire(d, timer);
            return d.finish();
        } catch (RuntimeException | Error e) {
            runner.forget(timer.instanceId());
            throw e;
        }
    }

    /** Live executions cached for this stream task. */
    public int liveExecutions() {
        return runner.cachedExecutions();
    }

    /** Drops every live execution (the stream task is closing; its state may move elsewhere). */
    public void close() {
        runner.clear();
    }
}
