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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.node.store.InMemoryStores;
import io.durablekafka.node.store.NodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage side of entities: queues in the store, what drains when, scheduled signals, deletion. */
class EntityEngineTest {

    private final NodeStore store = InMemoryStores.nodeStore();
    private final List<OrchestrationMessage> sent = new ArrayList<>();
    private final EntityEngine engine = newEngine();
    private long offset;

    private EntityEngine newEngine() {
        return new EntityEngine(REGISTRY, store, sent::add, Clock.fixed(T0, ZoneOffset.UTC));
    }

    /** The next input record for an entity: queued, and run at once when someone waits for it (as the node does). */
    private String receive(EntityMessage message) {
        String rejection = engine.onMessage(message, offset++, null);
        if (rejection == null && message.awaited()) {
            engine.drain(message.instanceId());
        }
        return rejection;
    }

    private int queued(String entityId) {
        return store.queue(entityId, 0).size();
    }

    @Test
    void signalsWaitInTheQueueUntilTheEntityIsDrained() {
        receive(signal(COUNTER, "add", 2));
        receive(signal(COUNTER, "add", 3));
        assertNull(store.entity(COUNTER), "signals do not run on arrival");
        assertEquals(2, queued(COUNTER));

        engine.drain(COUNTER);

        assertEquals(json(5), store.entity(COUNTER).state());
        assertEquals(0, queued(COUNTER));
        assertEquals(List.of(), sent);
    }

    @Test
    void aCallRunsAtOnceWithTheSignalsQueuedBeforeItAndIsAnswered() {
        receive(signal(COUNTER, "add", 2));

        receive(call(COUNTER, "get", null, "o1", 4));

        assertEquals(List.of(new CompleteEntityOperation("o1", executionOf("o1"), 4, json(2))), sent);
        assertEquals(0, queued(COUNTER));
    }

    @Test
    void drainDueRunsEveryEntityWithQueuedSignals() {
        receive(signal(COUNTER, "add", 1));
        receive(signal("@counter@c2", "add", 2));

        engine.drainDue(Long.MAX_VALUE);

        assertEquals(json(1), store.entity(COUNTER).state());
        assertEquals(json(2), store.entity("@counter@c2").state());
    }

    @Test
    void messagesForEntitiesThatAreNotRegisteredAreRefused() {
        String refused = receive(signal("@nope@x", "add", 1));
        assertTrue(refused.contains("not registered"), refused);
        assertEquals(0, queued("@nope@x"));

        String refusedCall = receive(call("@nope@x", "get", null, "o1", 2));
        assertTrue(refusedCall.contains("not registered"), refusedCall);
        var failure = assertInstanceOf(FailEntityOperation.class, sent.getFirst());
        assertEquals("o1", failure.instanceId());
        assertEquals("EntityNotFound", failure.failure().errorType());
    }

    @Test
    void messagesWithAMalformedEntityIdAreRefused() {
        assertTrue(receive(signal("@Counter@c1", "add", 1)).contains("lower case"));
        assertTrue(receive(signal("counter", "add", 1)).contains("not an entity ID"));
    }

    @Test
    void aSignalScheduledForLaterWaitsInTheDueTimeIndex() {
        var at = T0.plus(Duration.ofMinutes(5));
        receive(new SignalEntity(COUNTER, "add", json(7), at, null));
        assertEquals(0, queued(COUNTER));
        assertEquals(List.of(), store.takeDue(T0, 10));

        List<DueItem> due = store.takeDue(at, 10);
        engine.signalDue((DueItem.ScheduledSignal) due.getFirst());
        engine.drainDue(Long.MAX_VALUE);

        assertEquals(json(7), store.entity(COUNTER).state());
    }

    @Test
    void aScheduledSignalFromBeforeTheQueuesHeadStillRuns() {
        // Offset 0: a signal for later. Offsets 1, 2: signals that run now and move the queue's head past them.
        var at = T0.plus(Duration.ofMinutes(5));
        receive(new SignalEntity(COUNTER, "add", json(100), at, null));
        receive(signal(COUNTER, "add", 1));
        receive(signal(COUNTER, "add", 1));
        engine.drain(COUNTER);
        assertEquals(3, store.entity(COUNTER).queueHead());

        engine.signalDue((DueItem.ScheduledSignal) store.takeDue(at, 10).getFirst());
        engine.drain(COUNTER);

        assertEquals(json(102), store.entity(COUNTER).state());
    }

    @Test
    void aLockedEntityKeepsOtherMessagesInTheStoreUntilItsLockIsReleased() {
        receive(lockRequest(COUNTER, "owner", List.of(COUNTER)));
        assertEquals(List.of(new GrantEntityLock("owner", executionOf("owner"), 0)), sent);

        receive(signal(COUNTER, "add", 1));
        receive(call(COUNTER, "get", null, "other", 3));
        engine.drainDue(Long.MAX_VALUE);
        engine.drain(COUNTER);
        assertEquals(2, queued(COUNTER), "both wait for the lock");
        assertEquals(1, sent.size());

        receive(release(COUNTER, "owner"));

        assertEquals(0, queued(COUNTER));
        assertEquals(new CompleteEntityOperation("other", executionOf("other"), 3, json(1)), sent.getLast());
        assertNull(store.entity(COUNTER).lockedBy());
    }

    @Test
    void deletingAnEntityRemovesItFromTheStore() {
        receive(signal(COUNTER, "add", 1));
        engine.drain(COUNTER);

        receive(call(COUNTER, "delete", null, "o1", 0));

        assertNull(store.entity(COUNTER));
        assertEquals(0, queued(COUNTER));
    }

    @Test
    void aNewEngineOverTheSameStoreFindsTheQueuedMessages() {
        receive(signal(COUNTER, "add", 4));

        EntityEngine afterRestart = newEngine();
        afterRestart.init();
        afterRestart.drainDue(Long.MAX_VALUE);

        assertEquals(json(4), store.entity(COUNTER).state());
    }

    @Test
    void malformedLockMessagesAreRefused() {
        String wrongPosition = receive(new RequestEntityLock(COUNTER, "owner", "e", 0, List.of("@counter@other"), 0));
        String noOwner = receive(new ReleaseEntityLock(COUNTER, null, null, 0));

        assertTrue(wrongPosition.contains("malformed"), wrongPosition);
        assertTrue(noOwner.contains("no ownerInstanceId"), noOwner);
        assertEquals(0, queued(COUNTER));
    }
}
