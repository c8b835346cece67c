package io.durablekafka.node.replay;

import static io.durablekafka.node.replay.Events.entityCalled;
import static io.durablekafka.node.replay.Events.entityCompleted;
import static io.durablekafka.node.replay.Events.entityFailed;
import static io.durablekafka.node.replay.Events.json;
import static io.durablekafka.node.replay.Events.lockGranted;
import static io.durablekafka.node.replay.Events.lockRequested;
import static io.durablekafka.node.replay.Events.started;
import static io.durablekafka.node.replay.Events.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityLock;
import io.durablekafka.sdk.EntityOperationFailedException;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.LockingRulesViolationException;
import io.durablekafka.sdk.TaskOrchestration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What orchestrations ask of durable entities: calls, signals, and critical sections with their rules. */
class EntityActionsTest {

    static final EntityInstanceId COUNTER = new EntityInstanceId("Counter", "c1");
    static final EntityInstanceId ALICE = new EntityInstanceId("Account", "alice");
    static final EntityInstanceId BOB = new EntityInstanceId("Account", "bob");
    static final EntityInstanceId OTHER = new EntityInstanceId("Account", "carol");

    static final FunctionRegistry REGISTRY = FunctionRegistry.builder()
            .addOrchestration("CallCounter", ctx -> ctx.complete(ctx.callEntity(COUNTER, "add", 5, Integer.class).await()))
            .addOrchestration("CallFailing", ctx -> {
                try {
                    ctx.callEntity(COUNTER, "boom", Integer.class).await();
                } catch (EntityOperationFailedException e) {
                    ctx.complete(e.getEntityId() + "." + e.getOperationName() + ": " + e.getErrorDetails().errorMessage());
                }
            })
            .addOrchestration("SignalThenWork", ctx -> {
                ctx.signalEntity(COUNTER, "add", 1);
                ctx.callActivity("Work").await();
            })
            // Moves alice's balance to bob inside a critical section over both accounts (locked in sorted order).
            .addOrchestration("Transfer", ctx -> {
                try (EntityLock lock = ctx.lockEntities(BOB, ALICE)) {
                    int balance = ctx.callEntity(ALICE, "get", Integer.class).await();
                    ctx.callEntity(BOB, "deposit", balance).await();
                }
                ctx.complete("moved");
            })
            .build();

    private final ReplayHarness live = new ReplayHarness(REGISTRY, 100);

    @Test
    void aCallIsSentToTheEntityAndItsResultResumesTheCode() {
        OrchestratorResponse start = live.start(started("CallCounter", null));
        assertEquals(List.of(new Action.CallEntityOperation(0, "@counter@c1", "add", json(5))), start.actions());
        assertEquals(entityCalled(0, 0, "@counter@c1", "add", 5), start.appended().getLast());

        OrchestratorResponse answered = live.deliver(t(1), entityCompleted(1, 0, 5));

        assertEquals(new OrchestratorResponse.Completed(json(5)), answered.completion());
    }

    @Test
    void aFailedOperationSurfacesAsEntityOperationFailedException() {
        live.start(started("CallFailing", null));

        OrchestratorResponse answered = live.deliver(t(1), entityFailed(1, 0, "no such luck"));

        assertEquals(new OrchestratorResponse.Completed(json("@counter@c1.boom: no such luck")), answered.completion());
    }

    @Test
    void aSignalIsFireAndForgetButTakesATaskId() {
        OrchestratorResponse start = live.start(started("SignalThenWork", null));

        assertEquals(List.of(new Action.SignalEntityOperation(0, "@counter@c1", "add", json(1), null),
                new Action.ScheduleActivity(1, "Work", json(null), "default")), start.actions());
    }

    @Test
    void aCriticalSectionLocksInSortedOrderCallsTheLockedEntitiesAndUnlocksOnClose() {
        List<String> lockSet = List.of("@account@alice", "@account@bob");

        OrchestratorResponse start = live.start(started("Transfer", null));
        assertEquals(List.of(new Action.LockEntities(0, lockSet)), start.actions());

        OrchestratorResponse granted = live.deliver(t(1), lockGranted(1, 0));
        assertEquals(List.of(new Action.CallEntityOperation(1, "@account@alice", "get", json(null))), granted.actions());

        OrchestratorResponse got = live.deliver(t(2), entityCompleted(2, 1, 70));
        assertEquals(List.of(new Action.CallEntityOperation(2, "@account@bob", "deposit", json(70))), got.actions());

        OrchestratorResponse deposited = live.deliver(t(3), entityCompleted(3, 2, null));
        assertEquals(List.of(new Action.UnlockEntities(3, 0, lockSet)), deposited.actions());
        assertEquals(new OrchestratorResponse.Completed(json("moved")), deposited.completion());
        assertEquals(new HistoryEvent.EntityUnlockSent(t(3), 3, lockSet), deposited.appended().get(1),
                "the unlock is recorded before the execution completes");
    }

    @Test
    void aCriticalSectionReplaysFromHistory() {
        List<String> lockSet = List.of("@account@alice", "@account@bob");
        List<HistoryEvent> past = List.of(started("Transfer", null), lockRequested(0, 0, lockSet), lockGranted(1, 0),
                entityCalled(1, 1, "@account@alice", "get", null));
        var runner = new OrchestrationRunner(REGISTRY, 0, java.time.Duration.ofSeconds(10));

        OrchestratorResponse got = runner.run(new OrchestratorRequest(Events.INSTANCE, Events.EXECUTION, past.size(),
                () -> past, List.of(entityCompleted(2, 1, 70)), t(2)));

        assertEquals(List.of(new Action.CallEntityOperation(2, "@account@bob", "deposit", json(70))), got.actions());
        assertNull(got.completion());
    }

    static Stream<Arguments> lockingRuleViolations() {
        return Stream.of(
                Arguments.of("calling an entity that is not locked", (TaskOrchestration) ctx -> {
                    try (EntityLock lock = ctx.lockEntities(ALICE)) {
                        ctx.callEntity(OTHER, "get", Integer.class).await();
                    }
                }),
                Arguments.of("signaling a locked entity", (TaskOrchestration) ctx -> {
                    try (EntityLock lock = ctx.lockEntities(ALICE)) {
                        ctx.signalEntity(ALICE, "add", 1);
                    }
                }),
                Arguments.of("locking inside a critical section", (TaskOrchestration) ctx -> {
                    try (EntityLock lock = ctx.lockEntities(ALICE)) {
                        ctx.lockEntities(BOB);
                    }
                }),
                Arguments.of("starting a sub-orchestration inside a critical section", (TaskOrchestration) ctx -> {
                    try (EntityLock lock = ctx.lockEntities(ALICE)) {
                        ctx.callSubOrchestrator("Child", null).await();
                    }
                }));
    }

    @ParameterizedTest(name = "{0} fails the orchestration")
    @MethodSource("lockingRuleViolations")
    void breakingALockingRuleFailsTheOrchestration(String rule, TaskOrchestration code) {
        var registry = FunctionRegistry.builder().addOrchestration("Breaks", code).build();
        var harness = new ReplayHarness(registry, 100);
        harness.start(started("Breaks", null));

        OrchestratorResponse granted = harness.deliver(t(1), lockGranted(1, 0));

        var failure = assertInstanceOf(OrchestratorResponse.Failed.class, granted.completion()).failure();
        assertEquals(LockingRulesViolationException.class.getName(), failure.errorType());
        assertTrue(granted.actions().stream().noneMatch(a -> a.taskId() == 1 && !(a instanceof Action.UnlockEntities)),
                "the forbidden step was not taken: " + granted.actions());
    }

    @Test
    void lockSetsAreSortedWhateverTheOrderTheCodeNamesThem() {
        live.start(started("Transfer", null));

        assertEquals(lockRequested(0, 0, List.of("@account@alice", "@account@bob")), live.stored.getLast());
    }
}
