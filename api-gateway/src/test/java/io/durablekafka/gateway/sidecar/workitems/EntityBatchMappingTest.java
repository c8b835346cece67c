package io.durablekafka.gateway.sidecar.workitems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity work items as the protocol's EntityBatchRequest, and EntityBatchResults back as CompleteEntityWork. */
class EntityBatchMappingTest {

    private static final Instant T1 = Instant.parse("2026-03-01T10:00:01.500Z");

    private static final EntityWorkItem ITEM = new EntityWorkItem("@jscounter@a", 4, Json.toTree(java.util.Map.of("n", 3)),
            List.of(new EntityWorkItem.Operation("17", "add", IntNode.valueOf(2), false),
                    new EntityWorkItem.Operation("18", "get", null, true)));

    @Test
    void aWorkItemIsAnEntityBatchRequest() {
        var request = EntityBatchMapping.request(ITEM);
        assertEquals("@jscounter@a", request.getInstanceId());
        assertEquals("{\"n\":3}", request.getEntityState().getValue());
        assertEquals(2, request.getOperationsCount());
        assertEquals("add", request.getOperations(0).getOperation());
        assertEquals("17", request.getOperations(0).getRequestId());
        assertEquals("2", request.getOperations(0).getInput().getValue());
        assertFalse(request.getOperations(1).hasInput());

        var none = EntityBatchMapping.request(new EntityWorkItem("@jscounter@b", 1, null, List.of()));
        assertFalse(none.hasEntityState(), "an entity without state has no entityState");
    }

    @Test
    void aBatchResultIsACompleteEntityWorkForTheWorkItem() {
        var result = OrchestratorService.EntityBatchResult.newBuilder()
                .addResults(OrchestratorService.OperationResult.newBuilder().setSuccess(
                        OrchestratorService.OperationResultSuccess.newBuilder()))
                .addResults(OrchestratorService.OperationResult.newBuilder().setFailure(
                        OrchestratorService.OperationResultFailure.newBuilder().setFailureDetails(
                                ProtocolMapping.failure(FailureDetails.of("Error", "no")))))
                .addActions(OrchestratorService.OperationAction.newBuilder().setId(0).setSendSignal(
                        OrchestratorService.SendSignalAction.newBuilder().setInstanceId("@jscounter@z").setName("add")
                                .setInput(StringValue.of("5")).setScheduledTime(ProtocolMapping.timestamp(T1))))
                .addActions(OrchestratorService.OperationAction.newBuilder().setId(1).setStartNewOrchestration(
                        OrchestratorService.StartNewOrchestrationAction.newBuilder().setInstanceId("o1")
                                .setName("Greet").setInput(StringValue.of("\"x\""))))
                .setEntityState(StringValue.of("{\"n\":5}"))
                .setCompletionToken("dk-1")
                .build();
        CompleteEntityWork c = EntityBatchMapping.completion(ITEM, result);
        assertEquals("@jscounter@a", c.instanceId());
        assertEquals(4, c.workSeq());
        assertEquals(List.of("17", "18"), c.requestIds());
        assertEquals(2, c.results().size());
        assertNull(c.results().get(0).result());
        assertNull(c.results().get(0).failure());
        assertEquals("no", c.results().get(1).failure().errorMessage());
        assertEquals(Json.toTree(java.util.Map.of("n", 5)), c.state());
        assertEquals(new CompleteEntityWork.Action(CompleteEntityWork.Action.SIGNAL, "@jscounter@z", "add",
                IntNode.valueOf(5), T1), c.actions().get(0));
        assertEquals(new CompleteEntityWork.Action(CompleteEntityWork.Action.START, "o1", "Greet",
                TextNode.valueOf("x"), null), c.actions().get(1));
        assertNull(c.failure());
    }

    @Test
    void noStateMeansDeletedAndABatchFailureIsCarried() {
        var deleted = EntityBatchMapping.completion(ITEM, OrchestratorService.EntityBatchResult.newBuilder().build());
        assertNull(deleted.state());
        var failed = EntityBatchMapping.completion(ITEM, OrchestratorService.EntityBatchResult.newBuilder()
                .setFailureDetails(ProtocolMapping.failure(FailureDetails.of("Error", "worker broke"))).build());
        assertEquals("worker broke", failed.failure().errorMessage());
        assertTrue(failed.results().isEmpty());
    }
}
