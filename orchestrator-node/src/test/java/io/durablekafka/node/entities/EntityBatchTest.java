package io.durablekafka.node.entities;

import static io.durablekafka.node.entities.TestEntities.COUNTER;
import static io.durablekafka.node.entities.TestEntities.REGISTRY;
import static io.durablekafka.node.entities.TestEntities.T0;
import static io.durablekafka.node.entities.TestEntities.call;
import static io.durablekafka.node.entities.TestEntities.executionOf;
import static io.durablekafka.node.entities.TestEntities.json;
import static io.durablekafka.node.entities.TestEntities.lockRequest;
import static io.durablekafka.node.entities.TestEntities.release;
import static io.durablekafka.node.entities.TestEntities.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.sdk.FunctionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One run of an entity over its queue: order, rollback, answers, locks, deletion. */
class EntityBatchTest {

    static final String ALICE = "@account@alice";
    static final String BOB = "@account@bob";
    static final List<String> LOCK_SET = List.of(ALICE, BOB);
    static final EntityLockHolder OWNER = new EntityLockHolder("owner", executionOf("owner"), 0);

    /** Runs {@code messages} (offsets 0, 1, 2, ... after {@code firstOffset}) against {@code before}. */
    private static EntityBatch.Result run(EntityState before, long firstOffset, EntityMessage... messages) {
        List<EntityBatch.Queued> queue = new ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            queue.add(new EntityBatch.Queued(firstOffset + i, messages[i]));
        }
        return new EntityBatch(REGISTRY, before, T0).run(queue);
    }

    private static EntityBatch.Result run(EntityMessage... messages) {
        return run(EntityState.empty(COUNTER), 0, messages);
    }

    private static EntityState counterWith(int value, EntityLockHolder lockedBy) {
        return new EntityState(COUNTER, json(value), lockedBy, List.of(), T0, T0, 1, 9, 10);
    }

    @Test
    void operationsRunInArrivalOrderAndACallIsAnsweredWithTheStateAtItsTurn() {
        EntityBatch.Result r = run(signal(COUNTER, "add", 1), call(COUNTER, "get", null, "o1", 7),
                signal(COUNTER, "add", 2));

        assertEquals(json(3), r.after().state());
        assertEquals(List.of(new CompleteEntityOperation("o1", executionOf("o1"), 7, json(1))), r.sends());
        assertEquals(List.of(0L, 1L, 2L), r.done());
        assertEquals(3, r.after().operationCount());
        assertEquals(3, r.after().queueHead(), "the queue is empty: its head moves past the newest message");
        assertEquals(T0, r.after().createdTime());
        assertTrue(r.changed());
    }

    @Test
    void aFailingOperationIsRolledBackAloneWithWhatItSent() {
        EntityBatch.Result r = run(signal(COUNTER, "add", 5), call(COUNTER, "boom", null, "o1", 3),
                signal(COUNTER, "add", 1));

        assertEquals(json(6), r.after().state(), "add 5 and add 1 applied, boom's state change rolled back");
        assertEquals(1, r.sends().size(), "boom's signal to the audit counter was dropped: " + r.sends());
        var failure = assertInstanceOf(FailEntityOperation.class, r.sends().getFirst());
        assertEquals("o1", failure.instanceId());
        assertEquals(3, failure.taskId());
        assertTrue(failure.failure().isCausedBy(IllegalStateException.class), failure.failure().toString());
    }

    @Test
    void aSuccessfulOperationSendsItsSignalsAndStartsWithADeterministicId() {
        EntityState before = counterWith(4, null);

        EntityBatch.Result first = run(before, 10, call(COUNTER, "report", null, "o1", 0));
        EntityBatch.Result again = run(before, 10, call(COUNTER, "report", null, "o1", 0));

        assertEquals(new SignalEntity("@counter@audit", "add", json(4), null, COUNTER), first.sends().get(0));
        var started = assertInstanceOf(StartOrchestration.class, first.sends().get(1));
        assertEquals("Report", started.name());
        var answer = assertInstanceOf(CompleteEntityOperation.class, first.sends().get(2));
        assertEquals(json(started.instanceId()), answer.result());
        assertEquals(first.sends(), again.sends(), "a batch that runs again starts the same instance");
    }

    @Test
    void anOperationOfAnUnregisteredEntityFailsTheCall() {
        var batch = new EntityBatch(FunctionRegistry.builder().build(), EntityState.empty(COUNTER), T0);

        EntityBatch.Result r = batch.run(List.of(new EntityBatch.Queued(0, call(COUNTER, "get", null, "o1", 0))));

        var failure = assertInstanceOf(FailEntityOperation.class, r.sends().getFirst());
        assertEquals("EntityNotFound", failure.failure().errorType());
    }

    @Test
    void deletingTheStateDeletesTheEntity() {
        EntityBatch.Result r = run(counterWith(5, null), 10, signal(COUNTER, "delete", null));

        assertNull(r.after());
        assertEquals(List.of(10L), r.done());
    }

    // ------------------------------------------------------------------------------------------ locks

    @Test
    void aLockRequestLocksTheEntityAndTravelsToTheNextOfTheLockSet() {
        EntityBatch.Result r = run(EntityState.empty(ALICE), 0, lockRequest(ALICE, "owner", LOCK_SET));

        assertEquals(OWNER, r.after().lockedBy());
        assertEquals(List.of(new RequestEntityLock(BOB, "owner", executionOf("owner"), 0, LOCK_SET, 1)), r.sends());
        assertFalse(r.after().exists(), "a lock alone does not create the entity's state");
    }

    @Test
    void theLastEntityOfTheLockSetGrantsTheLock() {
        EntityBatch.Result r = run(EntityState.empty(BOB), 0, lockRequest(BOB, "owner", LOCK_SET));

        assertEquals(OWNER, r.after().lockedBy());
        assertEquals(List.of(new GrantEntityLock("owner", executionOf("owner"), 0)), r.sends());
    }

    @Test
    void aLockedEntityRunsOnlyItsOwnersCallsAndKeepsEverythingElseQueued() {
        EntityState locked = counterWith(0, OWNER);

        EntityBatch.Result r = run(locked, 10, signal(COUNTER, "add", 1), call(COUNTER, "get", null, "other", 1),
                call(COUNTER, "add", 10, "owner", 2), lockRequest(COUNTER, "other", List.of(COUNTER)));

        assertEquals(json(10), r.after().state());
        assertEquals(List.of(new CompleteEntityOperation("owner", executionOf("owner"), 2, json(null))), r.sends());
        assertEquals(List.of(12L), r.done());
        assertEquals(10, r.after().queueHead(), "the oldest waiting message is the head of the queue");
        assertEquals(OWNER, r.after().lockedBy());
    }

    @Test
    void aReleaseLetsTheWaitingMessagesRunInTheirOrder() {
        EntityState locked = counterWith(10, OWNER);

        EntityBatch.Result r = run(locked, 10, signal(COUNTER, "add", 1), call(COUNTER, "get", null, "other", 1),
                lockRequest(COUNTER, "next", List.of(COUNTER)), signal(COUNTER, "add", 100), release(COUNTER, "owner"));

        // Released: add 1 and get run; then "next" takes the lock, so add 100 waits again.
        assertEquals(json(11), r.after().state());
        assertEquals(List.of(new CompleteEntityOperation("other", executionOf("other"), 1, json(11)),
                new GrantEntityLock("next", executionOf("next"), 0)), r.sends());
        assertEquals(new EntityLockHolder("next", executionOf("next"), 0), r.after().lockedBy());
        assertEquals(Set.of(10L, 11L, 12L, 14L), Set.copyOf(r.done()));
        assertEquals(13, r.after().queueHead());
    }

    @Test
    void aReleaseThatArrivesBeforeItsRequestMakesTheRequestPassWithoutLocking() {
        EntityBatch.Result released = run(EntityState.empty(ALICE), 0, release(ALICE, "owner"));
        assertEquals(List.of(OWNER), released.after().releasedLocks());
        assertNull(released.after().lockedBy());

        EntityBatch.Result requested = run(released.after(), 1, lockRequest(ALICE, "owner", LOCK_SET));

        assertNull(requested.after(), "nothing left: no state, no lock, no pending release");
        assertEquals(List.of(new RequestEntityLock(BOB, "owner", executionOf("owner"), 0, LOCK_SET, 1)), requested.sends(),
                "the request still travels on, so the other entities see it and its release");
    }

    @Test
    void aReleaseCancelsItsRequestStillWaitingBehindAnotherLock() {
        var holder = new EntityLockHolder("holder", executionOf("holder"), 0);
        EntityState locked = counterWith(1, holder);

        EntityBatch.Result r = run(locked, 10, lockRequest(COUNTER, "owner", List.of(COUNTER)), release(COUNTER, "owner"));

        assertEquals(holder, r.after().lockedBy());
        assertEquals(List.of(new GrantEntityLock("owner", executionOf("owner"), 0)), r.sends());
        assertEquals(List.of(), r.after().releasedLocks());
    }

    @Test
    void aReleaseWithoutExecutionFreesWhateverLockItsOwnerHolds() {
        EntityState locked = counterWith(1, OWNER);

        EntityBatch.Result r = run(locked, 10, new ReleaseEntityLock(COUNTER, "owner", null, -1), signal(COUNTER, "add", 1));

        assertNull(r.after().lockedBy());
        assertEquals(json(2), r.after().state());
    }
}
