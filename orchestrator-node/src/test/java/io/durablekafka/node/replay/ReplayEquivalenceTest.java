package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.T0;
import static io.durablekafka.node.replay.Events.completed;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A live execution (kept in the cache) and one rebuilt by replay must be indistinguishable: the same actions, the
 * same appended events, the same clock, whatever the cache does (hit, miss, size 0, eviction, a step that aborted).
 */
class ReplayEquivalenceTest {

    /** Three steps, each handing the orchestration's clock and a deterministic UUID to an activity. */
    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("Stamps", ctx -> {
                List<String> results = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    results.add(ctx.callActivity("Record", Map.of("now", ctx.getCurrentInstant().toString(),
                            "uuid", ctx.newUUID().toString()), String.class).await());
                }
                ctx.complete(Map.of("results", results, "finishedAt", ctx.getCurrentInstant().toString()));
            })
            .build();

    /** The events a worker sends back, one per step: the results of tasks 0, 1, 2 at 10 s, 20 s, 30 s. */
    private static final List<HistoryEvent> RESULTS = List.of(completed(10, 0, "r0"), completed(20, 1, "r1"), completed(30, 2, "r2"));

    private static List<OrchestratorResponse> runAll(ReplayHarness harness) {
        List<OrchestratorResponse> responses = new ArrayList<>();
        responses.add(harness.start(started("Stamps", null)));
        for (HistoryEvent result : RESULTS) {
            responses.add(harness.deliver(result.timestamp(), result));
        }
        return responses;
    }

    @Test
    void theOrchestrationsClockIsTheTimeOfTheEventBeingApplied() {
        List<OrchestratorResponse> responses = runAll(new ReplayHarness(REGISTRY, 100));

        List<String> clockSeenByActivities = responses.stream().flatMap(r -> r.actions().stream())
                .map(a -> ((Action.ScheduleActivity) a).input().get("now").asText()).toList();
        assertEquals(List.of(T0.toString(), t(10).toString(), t(20).toString()), clockSeenByActivities);
        var output = assertInstanceOf(OrchestratorResponse.Completed.class, responses.getLast().completion()).output();
        assertEquals(t(30).toString(), output.get("finishedAt").asText());
    }

    @Test
    void aRunnerWithoutCacheReplaysEveryStepAndBehavesTheSame() {
        ReplayHarness cached = new ReplayHarness(REGISTRY, 100);
        ReplayHarness uncached = new ReplayHarness(REGISTRY, 0);

        List<OrchestratorResponse> live = runAll(cached);
        List<OrchestratorResponse> replayed = runAll(uncached);

        assertEquals(live, replayed);
        assertEquals(cached.stored, uncached.stored);
        assertEquals(0, cached.pastReads, "the cached execution never needed its past");
        assertEquals(RESULTS.size(), uncached.pastReads, "without a cache every step replays the past");
        assertEquals(0, uncached.runner.cachedExecutions());
    }

    @Test
    void aNodeThatReplaysTheStoredHistoryTakesTheSameLastStep() {
        ReplayHarness original = new ReplayHarness(REGISTRY, 100);
        List<OrchestratorResponse> live = runAll(original);

        ReplayHarness elsewhere = new ReplayHarness(REGISTRY, 100);
        elsewhere.stored.addAll(original.stored.subList(0, original.stored.size() - live.getLast().appended().size()));
        OrchestratorResponse last = elsewhere.deliver(t(30), RESULTS.getLast());

        assertEquals(live.getLast(), last);
        assertEquals(1, elsewhere.pastReads);
    }

    @Test
    void aStepWhoseTransactionAbortedIsReplayedFromTheStore() {
        ReplayHarness harness = new ReplayHarness(REGISTRY, 100);
        harness.start(started("Stamps", null));

        // The step runs on the cached execution, but its transaction aborts: the store does not have it.
        OrchestratorResponse aborted = harness.deliverAndAbort(t(10), completed(10, 0, "r0"));
        assertEquals(0, harness.pastReads);

        // The record is processed again: the cache is ahead of the store, so the runner replays from the store.
        OrchestratorResponse again = harness.deliver(t(10), completed(10, 0, "r0"));

        assertEquals(1, harness.pastReads);
        assertEquals(aborted, again);
        assertEquals(1, again.actions().size(), "the next activity is scheduled again, not lost");
    }

    @Test
    void evictedExecutionsAreRebuiltByReplayWithTheSameResults() {
        var tiny = new OrchestrationRunner(REGISTRY, 1, Duration.ofSeconds(10));
        ReplayHarness first = new ReplayHarness(tiny, "first");
        ReplayHarness second = new ReplayHarness(tiny, "second");
        List<List<OrchestratorResponse>> responses = List.of(new ArrayList<>(), new ArrayList<>());

        // Interleaved: each step of one instance evicts the other's execution.
        responses.get(0).add(first.start(started("Stamps", null)));
        responses.get(1).add(second.start(started("Stamps", null)));
        for (HistoryEvent result : RESULTS) {
            responses.get(0).add(first.deliver(result.timestamp(), result));
            responses.get(1).add(second.deliver(result.timestamp(), result));
            assertTrue(tiny.cachedExecutions() <= 1);
        }

        assertEquals(runAll(new ReplayHarness(new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10)), "first")),
                responses.get(0));
        assertEquals(runAll(new ReplayHarness(new OrchestrationRunner(REGISTRY, 100, Duration.ofSeconds(10)), "second")),
                responses.get(1));
        // Every step replayed, except the second instance's last one: the first had finished and left the cache.
        assertEquals(List.of(3, 2), List.of(first.pastReads, second.pastReads));
    }
}
