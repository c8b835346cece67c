package io.durablekafka.node.entities;

import static io.durablekafka.node.entities.TestEntities.REGISTRY;
import static io.durablekafka.node.entities.TestEntities.T0;
import static io.durablekafka.node.entities.TestEntities.call;
import static io.durablekafka.node.entities.TestEntities.json;
import static io.durablekafka.node.entities.TestEntities.lockRequest;
import static io.durablekafka.node.entities.TestEntities.release;
import static io.durablekafka.node.entities.TestEntities.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.AbandonEntityWork;
import io.durablekafka.common.messages.CompleteEntityOperation;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.messages.FailEntityOperation;
import io.durablekafka.common.messages.GrantEntityLock;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.node.store.InMemoryStores;
import io.durablekafka.node.store.NodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Entities run by SDK workers, without a broker: what work items the engine issues, which answers count, what applying
 * one changes, and the re-issues (abandon, deadline, a batch the worker could not run).
 */
class SdkEntityEngineTest {

    private static final String JS = "@jscounter@a";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final NodeStore store = InMemoryStores.nodeStore();
    private final List<OrchestrationMessage> sent = new ArrayList<>();
    private final List<EntityWorkItem> issued = new ArrayList<>();
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final EntityEngine engine = new EntityEngine(REGISTRY, store, sent::add, clock, true, TIMEOUT, issued::add);
    private long offset;

    private void receive(EntityMessage message) {
        assertNull(engine.onMessage(message, offset++, null));
        if (message.awaited()) {
            engine.drain(message.instanceId());
        }
    }

    private void drainSignals() {
        now = now.plusMillis(EntityEngine.BATCH_DELAY_MS);
        engine.drainDue(now.toEpochMilli());
    }

    private EntityWorkItem onlyIssued() {
        assertEquals(1, issued.size(), () -> "work items: " + issued);
        return issued.removeFirst();
    }

    private static CompleteEntityWork answer(EntityWorkItem item, Object state, CompleteEntityWork.Result... results) {
        return new CompleteEntityWork(item.entityId(), item.workSeq(), item.requestIds(), List.of(results),
                state == null ? null : json(state), List.of(), null);
    }

    private static CompleteEntityWork.Result ok(Object result) {
        return new CompleteEntityWork.Result(result == null ? null : json(result), null);
    }

    private static CompleteEntityWork.Result failed(String message) {
        return new CompleteEntityWork.Result(null, FailureDetails.of("Error", message));
    }

    @Test
    void signalsRunAsOneWorkItemAndWhatArrivesMeanwhileMakesTheNext() {
        for (int i = 1; i <= 3; i++) {
            receive(signal(JS, "add", i));
        }
        drainSignals();
        EntityWorkItem first = onlyIssued();
        assertEquals(JS, first.entityId());
        assertEquals(1, first.workSeq());
        assertNull(first.state());
        assertEquals(List.of("add", "add", "add"), first.operations().stream().map(EntityWorkItem.Operation::operation).toList());
        assertEquals(List.of("0", "1", "2"), first.requestIds());

        receive(signal(JS, "add", 10));
        drainSignals();
        assertTrue(issued.isEmpty(), "one work item per entity is outstanding at a time");

        assertNull(engine.onWorkAnswer(answer(first, 6, ok(null), ok(null), ok(null))));
        EntityState after = store.entity(JS);
        assertEquals(json(6), after.state());
        assertEquals(3, after.operationCount());
        assertEquals(now, after.lastModifiedTime());
        assertEquals(now, after.createdTime());
        EntityWorkItem second = onlyIssued();
        assertEquals(2, second.workSeq());
        assertEquals(json(6), second.state());
        assertEquals(List.of("3"), second.requestIds());
        assertEquals(1, store.queue(JS, 0).size(), "only the outstanding operation is still queued");
        assertTrue(sent.isEmpty(), "signals answer nobody");
    }

    @Test
    void staleAnswersChangeNothing() {
        receive(signal(JS, "add", 1));
        drainSignals();
        EntityWorkItem item = onlyIssued();
        // Another sequence number, or the same one with other request IDs (an earlier incarnation of the entity).
        engine.onWorkAnswer(new CompleteEntityWork(JS, 2, item.requestIds(), List.of(ok(null)), json(99), List.of(), null));
        engine.onWorkAnswer(new CompleteEntityWork(JS, 1, List.of("77"), List.of(ok(null)), json(99), List.of(), null));
        engine.onWorkAnswer(new AbandonEntityWork(JS, 5));
        assertTrue(issued.isEmpty());
        assertNull(store.entity(JS).state());

        engine.onWorkAnswer(answer(item, 1, ok(null)));
        engine.onWorkAnswer(answer(item, 1000, ok(null)));
        assertEquals(json(1), store.entity(JS).state(), "a duplicate answer is applied once");
        assertEquals(1, store.entity(JS).operationCount());
    }

    @Test
    void callsAnswerTheirCallerAndAFailedOperationFailsOnlyItsCall() {
        receive(call(JS, "add", 5, "orch1", 3));
        EntityWorkItem item = onlyIssued();
        assertTrue(item.operations().getFirst().isCall());
        engine.onWorkAnswer(answer(item, 5, ok(5)));
        CompleteEntityOperation done = assertInstanceOf(CompleteEntityOperation.class, sent.removeFirst());
        assertEquals("orch1", done.instanceId());
        assertEquals(3, done.taskId());
        assertEquals(json(5), done.result());

        receive(call(JS, "boom", null, "orch2", 4));
        engine.onWorkAnswer(answer(onlyIssued(), 5, failed("boom")));
        FailEntityOperation failed = assertInstanceOf(FailEntityOperation.class, sent.removeFirst());
        assertEquals("orch2", failed.instanceId());
        assertEquals("boom", failed.failure().errorMessage());
        assertEquals(json(5), store.entity(JS).state());
    }

    @Test
    void anAbandonedOrExpiredWorkItemIsIssuedAgainWithANewSequenceNumber() {
        receive(signal(JS, "add", 1));
        drainSignals();
        EntityWorkItem first = onlyIssued();
        engine.onWorkAnswer(new AbandonEntityWork(JS, first.workSeq()));
        EntityWorkItem second = onlyIssued();
        assertEquals(2, second.workSeq());
        assertEquals(first.operations(), second.operations());

        // Nobody answers: the deadline timer (in the due-time index) issues it again.
        now = now.plus(TIMEOUT);
        List<DueItem> due = store.takeDue(now, 10);
        assertEquals(1, due.size());
        engine.workTimerFired((DueItem.Timer) due.getFirst());
        EntityWorkItem third = onlyIssued();
        assertEquals(3, third.workSeq());

        engine.onWorkAnswer(answer(second, 7, ok(null)));
        assertNull(store.entity(JS).state(), "the answer to a re-issued work item is stale");
        engine.onWorkAnswer(answer(third, 1, ok(null)));
        assertEquals(json(1), store.entity(JS).state());
        assertTrue(store.takeDue(now.plus(Duration.ofDays(1)), 10).isEmpty(), "the deadline timer is cancelled");
    }

    @Test
    void aBatchTheWorkerCouldNotRunRunsAgainAndFewerResultsLeaveTheRestQueued() {
        receive(signal(JS, "add", 1));
        receive(signal(JS, "add", 2));
        drainSignals();
        EntityWorkItem first = onlyIssued();
        engine.onWorkAnswer(new CompleteEntityWork(JS, first.workSeq(), first.requestIds(), List.of(), null, List.of(),
                FailureDetails.of("Error", "worker broke down")));
        assertTrue(issued.isEmpty());
        assertEquals(2, store.queue(JS, 0).size(), "no operation is lost");
        now = now.plus(EntityEngine.FAILED_BATCH_RETRY);
        engine.workTimerFired((DueItem.Timer) store.takeDue(now, 10).getFirst());
        EntityWorkItem again = onlyIssued();
        assertEquals(first.operations(), again.operations());

        engine.onWorkAnswer(answer(again, 1, ok(null)));
        EntityWorkItem rest = onlyIssued();
        assertEquals(List.of(first.requestIds().get(1)), rest.requestIds());
        assertEquals(json(1), rest.state());
        engine.onWorkAnswer(answer(rest, 3, ok(null)));
        assertEquals(json(3), store.entity(JS).state());
        assertEquals(2, store.entity(JS).operationCount());
    }

    @Test
    void locksStayInTheNodeAndSignalsWaitForTheRelease() {
        receive(lockRequest(JS, "orch1", List.of(JS)));
        assertInstanceOf(GrantEntityLock.class, sent.removeFirst());
        receive(signal(JS, "add", 100));
        drainSignals();
        assertTrue(issued.isEmpty(), "the entity is locked by orch1");

        receive(call(JS, "add", 1, "orch1", 1));
        EntityWorkItem inside = onlyIssued();
        assertEquals(List.of("2"), inside.requestIds(), "only the lock owner's call runs");
        receive(release(JS, "orch1"));
        assertTrue(issued.isEmpty(), "the release waits for the outstanding work item");

        engine.onWorkAnswer(answer(inside, 1, ok(1)));
        assertInstanceOf(CompleteEntityOperation.class, sent.removeFirst());
        EntityWorkItem after = onlyIssued();
        assertEquals(List.of("1"), after.requestIds(), "released: the signal runs");
        assertNull(store.entity(JS).lockedBy());
    }

    @Test
    void actionsAreSentAndANullStateDeletesTheEntity() {
        receive(signal(JS, "report", null));
        drainSignals();
        EntityWorkItem item = onlyIssued();
        engine.onWorkAnswer(new CompleteEntityWork(JS, item.workSeq(), item.requestIds(), List.of(ok(null)), null,
                List.of(new CompleteEntityWork.Action(CompleteEntityWork.Action.SIGNAL, "@jscounter@b", "add", json(2),
                                null),
                        new CompleteEntityWork.Action(CompleteEntityWork.Action.START, "report-1", "Report", json(3), null),
                        new CompleteEntityWork.Action(CompleteEntityWork.Action.START, "@not@allowed", "Report", null,
                                null)),
                null));
        assertEquals(2, sent.size());
        SignalEntity signal = assertInstanceOf(SignalEntity.class, sent.get(0));
        assertEquals("@jscounter@b", signal.instanceId());
        assertEquals(JS, signal.source());
        StartOrchestration start = assertInstanceOf(StartOrchestration.class, sent.get(1));
        assertEquals("report-1", start.instanceId());
        assertNull(store.entity(JS), "no state, no lock, nothing queued: the entity is gone");
        assertTrue(store.queue(JS, 0).isEmpty());
    }

    @Test
    void entityRecordsKeepTheirSdkWorkAndOldRecordsStillRead() throws Exception {
        // A record of before SDK entities: the same fields, no sdkWork (written as a plain map, as Smile).
        var old = new java.util.LinkedHashMap<String, Object>();
        old.put("entityId", JS);
        old.put("state", 4);
        old.put("releasedLocks", List.of());
        old.put("operationCount", 2);
        old.put("inputOffset", 9);
        old.put("queueHead", 10);
        byte[] smile = new com.fasterxml.jackson.dataformat.smile.databind.SmileMapper().writeValueAsBytes(old);
        byte[] value = new byte[smile.length + 1];
        value[0] = io.durablekafka.common.store.StoreCodec.FORMAT;
        System.arraycopy(smile, 0, value, 1, smile.length);
        EntityState read = io.durablekafka.common.store.StoreCodec.decodeEntity(value);
        assertEquals(json(4), read.state());
        assertEquals(10, read.queueHead());
        assertNull(read.sdkWork());

        EntityState withWork = read.withSdkWork(new EntityState.SdkWork(3, List.of(7L, 8L), T0));
        assertEquals(withWork, io.durablekafka.common.store.StoreCodec.decodeEntity(
                io.durablekafka.common.store.StoreCodec.encodeEntity(withWork)));
    }

    @Test
    void entitiesTheRegistryKnowsStillRunInProcess() {
        IntStream.range(0, 3).forEach(i -> receive(signal(TestEntities.COUNTER, "add", 2)));
        drainSignals();
        assertTrue(issued.isEmpty());
        assertEquals(json(6), store.entity(TestEntities.COUNTER).state());
    }
}
