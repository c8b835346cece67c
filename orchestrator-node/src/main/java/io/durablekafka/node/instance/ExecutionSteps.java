package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.node.replay.Action;
import io.durablekafka.node.replay.OrchestrationRunner;
import io.durablekafka.node.replay.OrchestratorRequest;
import io.durablekafka.node.replay.OrchestratorResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Runs an instance's execution through the replay core for a draft: starts new executions, applies new events,
 * records what came back (history, actions through the {@link ActionDispatcher}, custom status) and carries out
 * the end of the execution, continue-as-new included.
 */
final class ExecutionSteps {

    private static final int MAX_CONTINUE_AS_NEW_PER_STEP = 1000;

    private final OrchestrationRunner runner;
    private final ActionDispatcher dispatcher;
    private final HistoryReader history;
    private final io.durablekafka.sdk.FunctionRegistry registry;
    private final boolean sdkWorkers;
    private final SdkWorkItems sdk;

    ExecutionSteps(OrchestrationRunner runner, ActionDispatcher dispatcher, HistoryReader history) {
        this(runner, dispatcher, history, io.durablekafka.sdk.FunctionRegistry.builder().build(), false, null);
    }

    /**
     * @param sdkWorkers orchestrations {@code registry} does not know run on SDK workers ({@link SdkWorkItems})
     */
    ExecutionSteps(OrchestrationRunner runner, ActionDispatcher dispatcher, HistoryReader history,
                   io.durablekafka.sdk.FunctionRegistry registry, boolean sdkWorkers, java.time.Duration sdkWorkTimeout) {
        this.runner = runner;
        this.dispatcher = dispatcher;
        this.history = history;
        this.registry = registry;
        this.sdkWorkers = sdkWorkers;
        this.sdk = sdkWorkers ? new SdkWorkItems(registry, history, sdkWorkTimeout) : null;
    }

    /** Whether orchestration {@code name} runs on out-of-process SDK workers (no in-process code for it). */
    boolean isSdk(String name) {
        return sdkWorkers && name != null && registry.orchestration(name).isEmpty();
    }

    /** Applies an SDK worker's answer (ignored when stale), then issues the work that waited for it. */
    void completeSdkWork(InstanceDraft d, io.durablekafka.common.messages.CompleteOrchestratorWork c) {
        if (sdk == null || !isSdk(d.name())) {
            return;
        }
        OrchestratorResponse response = sdk.answer(d, c);
        if (response == null) {
            return; // stale or duplicate: the outstanding work item (if any) is answered by its own worker
        }
        if (record(d, response) instanceof OrchestratorResponse.ContinuedAsNew next) {
            d.releaseEntityLock();
            d.newExecution(d.name(), nextExecutionId(d.executionId()), next.input(), d.parent(), d.createdTime());
            startNew(d, next.carriedOver());
        } else {
            sdk.issueWaiting(d);
        }
    }

    void abandonSdkWork(InstanceDraft d, io.durablekafka.common.messages.AbandonOrchestratorWork a) {
        if (sdk != null) {
            sdk.abandoned(d, a);
        }
    }

    void sdkWorkExpired(InstanceDraft d) {
        if (sdk != null) {
            sdk.expired(d);
        }
    }

    /** The ID of the first execution of a start: deterministic, so a reprocessed start makes the same one. */
    static String firstExecutionId(String instanceId, long inputOffset, String name) {
        return UUID.nameUUIDFromBytes((instanceId + "|" + inputOffset + "|" + name).getBytes(StandardCharsets.UTF_8))
                .toString().replace("-", "");
    }

    static String nextExecutionId(String executionId) {
        return UUID.nameUUIDFromBytes((executionId + "|continue").getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "");
    }

    /** Runs the draft's new (Pending) execution, with events carried over from a previous one or kept for it. */
    void startNew(InstanceDraft d, List<? extends HistoryEvent> carriedOver) {
        OrchestratorResponse.Completion completion = runNew(d, carriedOver);
        for (int round = 1; completion instanceof OrchestratorResponse.ContinuedAsNew next; round++) {
            if (round > MAX_CONTINUE_AS_NEW_PER_STEP) {
                d.fail(FailureDetails.of("ContinueAsNewLoop", "orchestration continued as new "
                        + MAX_CONTINUE_AS_NEW_PER_STEP + " times without awaiting anything"));
                return;
            }
            d.releaseEntityLock();
            d.newExecution(d.name(), nextExecutionId(d.executionId()), next.input(), d.parent(), d.createdTime());
            completion = runNew(d, next.carriedOver());
        }
    }

    /** Applies new events to the running execution. */
    void deliver(InstanceDraft d, List<HistoryEvent> events) {
        if (isSdk(d.name())) {
            sdk.offer(d, events);
            return;
        }
        OrchestratorResponse response = runner.run(new OrchestratorRequest(d.instanceId(), d.executionId(),
                d.historySize(), () -> d.history(history), events, d.now()));
        if (record(d, response) instanceof OrchestratorResponse.ContinuedAsNew next) {
            d.releaseEntityLock();
            d.newExecution(d.name(), nextExecutionId(d.executionId()), next.input(), d.parent(), d.createdTime());
            startNew(d, next.carriedOver());
        }
    }

    private OrchestratorResponse.Completion runNew(InstanceDraft d, List<? extends HistoryEvent> carriedOver) {
        var parent = d.parent();
        var started = new HistoryEvent.ExecutionStarted(d.now(), d.name(), d.executionId(), d.input(),
                parent == null ? null : parent.instanceId(), parent == null ? null : parent.executionId(),
                parent == null ? null : parent.taskId(), d.version(), d.tags());
        d.transitionTo(RuntimeStatus.Running);
        // Events carried over (continue-as-new) or kept (scheduled start) enter this history now: restamped, so that
        // the orchestration's clock does not go back to when they first arrived.
        List<HistoryEvent> delivered = carriedOver.stream().map(e -> Restamp.at(e, d.now())).toList();
        if (isSdk(d.name())) {
            List<HistoryEvent> first = new java.util.ArrayList<>(1 + delivered.size());
            first.add(started);
            first.addAll(delivered);
            sdk.offer(d, first);
            return null; // the SDK worker's answer carries on (completeSdkWork)
        }
        return record(d, runner.run(OrchestratorRequest.newExecution(d.instanceId(), started, delivered)));
    }

    /** Records the response in the draft; returns the continuation when the code continued as new. */
    private OrchestratorResponse.Completion record(InstanceDraft d, OrchestratorResponse response) {
        d.appendAll(response.appended());
        for (Action action : response.actions()) {
            dispatcher.dispatch(d, action);
        }
        if (response.appended().isEmpty() && response.completion() == null) {
            return null; // nothing the execution accepted: leave the custom status alone too
        }
        d.setCustomStatus(response.customStatus());
        return switch (response.completion()) {
            case null -> null;
            case OrchestratorResponse.Completed c -> {
                d.complete(c.output());
                yield null;
            }
            case OrchestratorResponse.Failed f -> {
                d.fail(f.failure());
                yield null;
            }
            case OrchestratorResponse.ContinuedAsNew c -> c;
        };
    }
}
