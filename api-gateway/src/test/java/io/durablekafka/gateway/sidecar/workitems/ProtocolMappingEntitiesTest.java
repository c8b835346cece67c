package io.durablekafka.gateway.sidecar.workitems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Entity events and actions of SDK orchestrations, both ways: the protocol correlates results by the worker's
 * requestId / criticalSectionId strings, which our scheduling events keep and our results (correlated by task ID)
 * get back from them.
 */
class ProtocolMappingEntitiesTest {

    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00.250Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);
    private static final String A = "@counter@a";
    private static final String B = "@counter@b";

    @Test
    void entityEventsGoOutWithTheWorkersIdsAndResultsGetThemFromTheirScheduling() {
        var failure = new FailureDetails("IllegalStateException", "insufficient funds", null, null);
        var item = new OrchestratorWorkItem("i1", "e1", 4, "Sdk",
                List.of(new HistoryEvent.ExecutionStarted(T0, "Sdk", "e1", null, null, null, null),
                        new HistoryEvent.EntityOperationSignaled(T0, 0, A, "add", IntNode.valueOf(5), T2, "r0"),
                        new HistoryEvent.EntityOperationCalled(T0, 1, A, "get", null, "r1"),
                        new HistoryEvent.EntityOperationCompleted(T1, 1, IntNode.valueOf(5)),
                        new HistoryEvent.EntityLockRequested(T1, 2, List.of(A, B), "cs"),
                        new HistoryEvent.EntityLockGranted(T2, 2),
                        new HistoryEvent.EntityOperationCalled(T2, 3, A, "withdraw", IntNode.valueOf(9), "r3"),
                        new HistoryEvent.EntityOperationFailed(T2, 3, failure),
                        new HistoryEvent.EntityUnlockSent(T2, 4, List.of(A), "cs"),
                        new HistoryEvent.EntityUnlockSent(T2, 5, List.of(B), "cs"),
                        new HistoryEvent.EntityOperationCalled(T2, 6, B, "get", null, "r6")),
                List.of(new HistoryEvent.EntityOperationCompleted(T2, 6, IntNode.valueOf(0))));
        var request = ProtocolMapping.orchestratorRequest(item);
        var past = request.getPastEventsList();

        // Scheduling events carry their task ID as eventId and run no code: no OrchestratorStarted before them.
        assertEquals(List.of("ORCHESTRATORSTARTED", "EXECUTIONSTARTED", "ENTITYOPERATIONSIGNALED", "ENTITYOPERATIONCALLED",
                "ORCHESTRATORSTARTED", "ENTITYOPERATIONCOMPLETED", "ENTITYLOCKREQUESTED", "ORCHESTRATORSTARTED",
                "ENTITYLOCKGRANTED", "ENTITYOPERATIONCALLED", "ORCHESTRATORSTARTED", "ENTITYOPERATIONFAILED",
                "ENTITYUNLOCKSENT", "ENTITYUNLOCKSENT", "ENTITYOPERATIONCALLED"), past.stream().map(ProtocolMappingEntitiesTest::kind).toList());

        var signaled = past.get(2);
        assertEquals(0, signaled.getEventId());
        assertEquals("r0", signaled.getEntityOperationSignaled().getRequestId());
        assertEquals("add", signaled.getEntityOperationSignaled().getOperation());
        assertEquals("5", signaled.getEntityOperationSignaled().getInput().getValue());
        assertEquals(A, signaled.getEntityOperationSignaled().getTargetInstanceId().getValue());
        assertEquals(ProtocolMapping.timestamp(T2), signaled.getEntityOperationSignaled().getScheduledTime());

        var called = past.get(3);
        assertEquals(1, called.getEventId());
        assertEquals("r1", called.getEntityOperationCalled().getRequestId());
        assertEquals(A, called.getEntityOperationCalled().getTargetInstanceId().getValue());
        assertFalse(called.getEntityOperationCalled().hasInput());
        assertFalse(called.getEntityOperationCalled().hasParentInstanceId(), "parent fields are for messages, not histories");

        var completed = past.get(5);
        assertEquals(-1, completed.getEventId());
        assertEquals("r1", completed.getEntityOperationCompleted().getRequestId());
        assertEquals("5", completed.getEntityOperationCompleted().getOutput().getValue());

        var lock = past.get(6);
        assertEquals(2, lock.getEventId());
        assertEquals("cs", lock.getEntityLockRequested().getCriticalSectionId());
        assertEquals(List.of(A, B), lock.getEntityLockRequested().getLockSetList());
        assertEquals(0, lock.getEntityLockRequested().getPosition());
        assertEquals("cs", past.get(8).getEntityLockGranted().getCriticalSectionId());
        assertEquals(ProtocolMapping.timestamp(T2), past.get(7).getTimestamp(), "the grant's time is the code's clock");

        var failed = past.get(11).getEntityOperationFailed();
        assertEquals("r3", failed.getRequestId());
        assertEquals("IllegalStateException", failed.getFailureDetails().getErrorType());
        assertEquals("insufficient funds", failed.getFailureDetails().getErrorMessage());

        assertEquals(4, past.get(12).getEventId());
        assertEquals("cs", past.get(12).getEntityUnlockSent().getCriticalSectionId());
        assertEquals(A, past.get(12).getEntityUnlockSent().getTargetInstanceId().getValue());
        assertEquals(B, past.get(13).getEntityUnlockSent().getTargetInstanceId().getValue());

        var fresh = request.getNewEventsList();
        assertEquals(2, fresh.size());
        assertTrue(fresh.get(0).hasOrchestratorStarted());
        assertEquals("r6", fresh.get(1).getEntityOperationCompleted().getRequestId(),
                "a new result finds its call among the past events");
        assertEquals("0", fresh.get(1).getEntityOperationCompleted().getOutput().getValue());
    }

    @Test
    void entityEventsOfInProcessCodeHaveNoWorkerIdAndGetTheirTaskIdInstead() {
        var lock = new HistoryEvent.EntityLockRequested(T0, 7, List.of(A));
        var ids = ProtocolMapping.correlationIds(List.of(lock), List.of());
        assertEquals(Map.of(), ids);
        assertEquals("7", ProtocolMapping.event("i1", lock, ids).getEntityLockRequested().getCriticalSectionId());
        assertEquals("7", ProtocolMapping.event("i1", new HistoryEvent.EntityLockGranted(T1, 7), ids)
                .getEntityLockGranted().getCriticalSectionId());
    }

    private static OrchestratorService.OrchestratorAction action(int id, OrchestratorService.SendEntityMessageAction.Builder m) {
        return OrchestratorService.OrchestratorAction.newBuilder().setId(id).setSendEntityMessage(m).build();
    }

    @Test
    void sendEntityMessageActionsAsTheJavaScriptSdkBuildsThemBecomeOurEntityEvents() {
        var item = new OrchestratorWorkItem("i1", "e1", 2, "Sdk", List.of(), List.of());
        var response = OrchestratorService.OrchestratorResponse.newBuilder().setInstanceId("i1")
                .addActions(action(0, OrchestratorService.SendEntityMessageAction.newBuilder().setEntityOperationSignaled(
                        OrchestratorService.EntityOperationSignaledEvent.newBuilder().setRequestId("r0").setOperation("add")
                                .setInput(StringValue.of("5")).setTargetInstanceId(StringValue.of(A))
                                .setScheduledTime(ProtocolMapping.timestamp(T2)))))
                .addActions(action(1, OrchestratorService.SendEntityMessageAction.newBuilder().setEntityOperationCalled(
                        OrchestratorService.EntityOperationCalledEvent.newBuilder().setRequestId("r1").setOperation("get")
                                .setTargetInstanceId(StringValue.of(A)).setParentInstanceId(StringValue.of("i1"))
                                .setParentExecutionId(StringValue.of("e1")))))
                .addActions(action(2, OrchestratorService.SendEntityMessageAction.newBuilder().setEntityLockRequested(
                        OrchestratorService.EntityLockRequestedEvent.newBuilder().setCriticalSectionId("cs")
                                .addLockSet(A).addLockSet(B).setPosition(0).setParentInstanceId(StringValue.of("i1")))))
                .addActions(action(3, OrchestratorService.SendEntityMessageAction.newBuilder().setEntityUnlockSent(
                        OrchestratorService.EntityUnlockSentEvent.newBuilder().setCriticalSectionId("cs")
                                .setTargetInstanceId(StringValue.of(B)).setParentInstanceId(StringValue.of("i1")))))
                .build();
        CompleteOrchestratorWork c = ProtocolMapping.completion(item, response, T0);
        assertEquals(List.of(new HistoryEvent.EntityOperationSignaled(T0, 0, A, "add", IntNode.valueOf(5), T2, "r0"),
                new HistoryEvent.EntityOperationCalled(T0, 1, A, "get", null, "r1"),
                new HistoryEvent.EntityLockRequested(T0, 2, List.of(A, B), "cs"),
                new HistoryEvent.EntityUnlockSent(T0, 3, List.of(B), "cs")), c.actions());
        assertNull(c.completion());
    }

    @Test
    void entityMessagesTheEngineHasNoCounterpartForFailTheExecution() {
        var item = new OrchestratorWorkItem("i1", "e1", 2, "Sdk", List.of(), List.of());
        for (var m : List.of(
                OrchestratorService.SendEntityMessageAction.newBuilder().setEntityOperationCalled(
                        OrchestratorService.EntityOperationCalledEvent.newBuilder().setRequestId("r").setOperation("get")
                                .setTargetInstanceId(StringValue.of(A)).setScheduledTime(ProtocolMapping.timestamp(T2))),
                OrchestratorService.SendEntityMessageAction.newBuilder().setEntityLockRequested(
                        OrchestratorService.EntityLockRequestedEvent.newBuilder().setCriticalSectionId("cs").addLockSet(B)
                                .setPosition(1)),
                OrchestratorService.SendEntityMessageAction.newBuilder())) {
            var response = OrchestratorService.OrchestratorResponse.newBuilder().addActions(action(0, m)).build();
            var end = ProtocolMapping.completion(item, response, T0).completion();
            assertEquals(RuntimeStatus.Failed, end.orchestrationStatus(), m.toString());
            assertEquals("UnsupportedAction", end.failure().errorType(), m.toString());
        }
        // A call without a target is passed on as it is: the node refuses it (its check of entity IDs).
        var noTarget = OrchestratorService.OrchestratorResponse.newBuilder().addActions(action(0,
                OrchestratorService.SendEntityMessageAction.newBuilder().setEntityOperationCalled(
                        OrchestratorService.EntityOperationCalledEvent.newBuilder().setRequestId("r").setOperation("get"))))
                .build();
        var c = ProtocolMapping.completion(item, noTarget, T0);
        assertNull(((HistoryEvent.EntityOperationCalled) c.actions().getFirst()).entityId());
    }

    private static String kind(OrchestratorService.HistoryEvent e) {
        return e.getEventTypeCase().name();
    }
}
