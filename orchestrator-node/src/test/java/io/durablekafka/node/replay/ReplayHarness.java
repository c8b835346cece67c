package io.durablekafka.node.replay;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one instance through the replay core the way the engine does: it keeps the stored history (what each
 * response appended), gives it to the runner as the past of the next request, and counts how often the runner
 * had to read it (a cache miss).
 */
final class ReplayHarness {

    final OrchestrationRunner runner;
    final String instanceId;
    final String executionId;
    final List<HistoryEvent> stored = new ArrayList<>();
    int pastReads;

    ReplayHarness(FunctionRegistry registry, int cacheSize) {
        this(new OrchestrationRunner(registry, cacheSize, Duration.ofSeconds(10)), Events.INSTANCE);
    }

    ReplayHarness(OrchestrationRunner runner, String instanceId) {
        this.runner = runner;
        this.instanceId = instanceId;
        this.executionId = Events.EXECUTION;
    }

    /** Starts the execution with {@code started} (and events carried over), storing what it appended. */
    OrchestratorResponse start(HistoryEvent.ExecutionStarted started, HistoryEvent... carriedOver) {
        OrchestratorResponse response = runner.run(OrchestratorRequest.newExecution(instanceId, started, List.of(carriedOver)));
        stored.addAll(response.appended());
        return response;
    }

    /** Applies new events at {@code now} and stores what the step appended (a committed step). */
    OrchestratorResponse deliver(Instant now, HistoryEvent... events) {
        OrchestratorResponse response = runner.run(request(now, events));
        stored.addAll(response.appended());
        return response;
    }

    /** Applies new events at {@code now} but stores nothing: a step whose transaction aborted. */
    OrchestratorResponse deliverAndAbort(Instant now, HistoryEvent... events) {
        return runner.run(request(now, events));
    }

    private OrchestratorRequest request(Instant now, HistoryEvent... events) {
        List<HistoryEvent> past = List.copyOf(stored);
        return new OrchestratorRequest(instanceId, executionId, past.size(), () -> {
            pastReads++;
            return past;
        }, List.of(events), now);
    }
}
