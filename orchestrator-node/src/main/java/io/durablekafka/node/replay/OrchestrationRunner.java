package io.durablekafka.node.replay;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskOrchestration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The replay core: turns an execution's past and new events into the events to append and the actions to take,
 * with no I/O of its own (past events are read through the request's supplier, on a cache miss only). It owns
 * the cache of live executions and the rule of when one is in step with storage ({@link ExecutionCache}).
 *
 * <p>This is the seam of the Durable Task work-item protocol (an orchestrator request with past and new events,
 * a response with actions), so that out-of-process SDK workers can take the place of in-process code later.
 */
public final class OrchestrationRunner {

    private final FunctionRegistry registry;
    private final Duration yieldTimeout;
    private final ExecutionCache cache;

    /**
     * @param cacheSize    live executions kept (0: replay on every request)
     * @param yieldTimeout how long orchestrator code may run without awaiting before its execution fails
     */
    public OrchestrationRunner(FunctionRegistry registry, int cacheSize, Duration yieldTimeout) {
        this.registry = registry;
        this.yieldTimeout = yieldTimeout;
        this.cache = new ExecutionCache(cacheSize);
    }

    public OrchestratorResponse run(OrchestratorRequest request) {
        String instanceId = request.instanceId();
        List<HistoryEvent> appended = new ArrayList<>(request.newEvents().size() + 2);
        List<Action> actions = new ArrayList<>(2);
        Execution exec = cache.inStep(instanceId, request.executionId(), request.pastSize());
        try {
            if (exec == null) {
                cache.remove(instanceId);
                List<HistoryEvent> past = request.pastSize() == 0 ? List.of() : request.pastEvents().get();
                HistoryEvent.ExecutionStarted started = firstStart(past, request.newEvents());
                if (started == null) {
                    throw new IllegalStateException("instance '" + instanceId + "': no ExecutionStarted in history");
                }
                TaskOrchestration code = registry.orchestration(started.name()).orElse(null);
                if (code == null) {
                    if (past.isEmpty()) {
                        appended.add(started);
                    }
                    return end(request, appended, actions, null, new OrchestratorResponse.Failed(FailureDetails.of(
                            "OrchestratorNotFound", "The orchestrator function '" + started.name() + "' does not exist "
                                    + "on this node. Registered orchestrators: " + registry.orchestrationNames())));
                }
                exec = new Execution(instanceId, started.name(), started.executionId(), started.input(), code,
                        TopicNames.DEFAULT_TASK_QUEUE, registry::taskQueueOf, yieldTimeout);
                exec.replay(past);
            }
            for (HistoryEvent event : request.newEvents()) {
                if (exec.isFinished()) {
                    break;
                }
                if (!exec.accepts(event)) {
                    continue; // a duplicate result or one for a task that is not open: activities are at-least-once
                }
                appended.add(event);
                for (Action action : exec.apply(event)) {
                    actions.add(action);
                    appended.add(action.toEvent(request.now()));
                }
            }
            if (exec.isFinished()) {
                return end(request, appended, actions, exec, completionOf(exec));
            }
            exec.countHistory(appended.size());
            cache.put(instanceId, exec);
            return new OrchestratorResponse(appended, actions, exec.context().customStatus(), null);
        } catch (RuntimeException | Error e) {
            cache.remove(instanceId);
            throw e;
        }
    }

    /**
     * Events were appended to the execution's history outside its code (suspended, resumed): a cached execution
     * that was in step before them stays in step.
     */
    public void appendedOutsideCode(String instanceId, String executionId, long historySizeBefore, int count) {
        Execution cached = cache.inStep(instanceId, executionId, historySizeBefore);
        if (cached != null) {
            cached.countHistory(count);
        }
    }

    /** Drops the instance's live execution (it ended, was terminated, rewound or purged). */
    public void forget(String instanceId) {
        cache.remove(instanceId);
    }

    /** Drops every live execution (the stream task is closing; its state may move elsewhere). */
    public void clear() {
        cache.clear();
    }

    /** Live executions in the cache (read by the metrics from another thread: a racy size is fine there). */
    public int cachedExecutions() {
        return cache.size();
    }

    private OrchestratorResponse end(OrchestratorRequest request, List<HistoryEvent> appended, List<Action> actions,
                                     Execution exec, OrchestratorResponse.Completion completion) {
        cache.remove(request.instanceId());
        appended.add(switch (completion) {
            case OrchestratorResponse.Completed c ->
                    new HistoryEvent.ExecutionCompleted(request.now(), RuntimeStatus.Completed, c.output(), null);
            case OrchestratorResponse.Failed f ->
                    new HistoryEvent.ExecutionCompleted(request.now(), RuntimeStatus.Failed, null, f.failure());
            case OrchestratorResponse.ContinuedAsNew c ->
                    new HistoryEvent.ExecutionCompleted(request.now(), RuntimeStatus.ContinuedAsNew, c.input(), null);
        });
        return new OrchestratorResponse(appended, actions, exec == null ? null : exec.context().customStatus(), completion);
    }

    private static OrchestratorResponse.Completion completionOf(Execution exec) {
        Throwable failure = exec.failure();
        if (failure instanceof NonDeterministicOrchestrationException) {
            return new OrchestratorResponse.Failed(new FailureDetails("NonDeterministicOrchestrationException",
                    failure.getMessage(), null, null));
        }
        if (failure != null) {
            return new OrchestratorResponse.Failed(FailureDetails.of(failure));
        }
        ExecutionContext ctx = exec.context();
        if (ctx.isContinuedAsNew()) {
            return new OrchestratorResponse.ContinuedAsNew(ctx.continueAsNewInput(), ctx.carriedOverEvents());
        }
        return new OrchestratorResponse.Completed(ctx.output());
    }

    private static HistoryEvent.ExecutionStarted firstStart(List<HistoryEvent> past, List<HistoryEvent> fresh) {
        for (List<HistoryEvent> events : List.of(past, fresh)) {
            for (HistoryEvent e : events) {
                if (e instanceof HistoryEvent.ExecutionStarted s) {
                    return s;
                }
            }
        }
        return null;
    }
}
