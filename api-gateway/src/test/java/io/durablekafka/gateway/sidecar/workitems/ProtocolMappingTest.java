package io.durablekafka.gateway.sidecar.workitems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.CompleteOrchestratorWork;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our history and work items as the Durable Task protocol's, and workers' actions back as our events. */
class ProtocolMappingTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
    private static final Instant T1 = T0.plusSeconds(1);

    @Test
    void aWorkItemCarriesPastAndNewEventsWithAnOrchestratorStartedBeforeEachEventThatRunsCode() {
        var item = new OrchestratorWorkItem("i1", "e1", 2, "Hello",
                List.of(new HistoryEvent.ExecutionStarted(T0, "Hello", "e1", TextNode.valueOf("in"), null, null, null),
                        new HistoryEvent.TaskScheduled(T0, 0, "Say", IntNode.valueOf(7)),
                        new HistoryEvent.TimerCreated(T0, 1, T1)),
                List.of(new HistoryEvent.TaskCompleted(T1, 0, TextNode.valueOf("hi")),
                        new HistoryEvent.TimerFired(T1, 1, T1),
                        new HistoryEvent.TaskFailed(T1, 5, new FailureDetails("E", "bad", "trace", null))));
        var request = ProtocolMapping.orchestratorRequest(item);
        assertEquals("i1", request.getInstanceId());
        assertEquals("e1", request.getExecutionId().getValue());

        var past = request.getPastEventsList();
        assertEquals(4, past.size());
        assertTrue(past.get(0).hasOrchestratorStarted());
        assertEquals(ProtocolMapping.timestamp(T0), past.get(0).getTimestamp());
        var started = past.get(1).getExecutionStarted();
        assertEquals("Hello", started.getName());
        assertEquals("\"in\"", started.getInput().getValue());
        assertEquals("i1", started.getOrchestrationInstance().getInstanceId());
        assertEquals(0, past.get(2).getEventId());
        assertEquals("Say", past.get(2).getTaskScheduled().getName());
        assertEquals("7", past.get(2).getTaskScheduled().getInput().getValue());
        assertEquals(1, past.get(3).getEventId());
        assertEquals(ProtocolMapping.timestamp(T1), past.get(3).getTimerCreated().getFireAt());

        var fresh = request.getNewEventsList();
        assertEquals(6, fresh.size());
        assertEquals(0, fresh.get(1).getTaskCompleted().getTaskScheduledId());
        assertEquals("\"hi\"", fresh.get(1).getTaskCompleted().getResult().getValue());
        assertEquals(1, fresh.get(3).getTimerFired().getTimerId());
        var failure = fresh.get(5).getTaskFailed().getFailureDetails();
        assertEquals("E", failure.getErrorType());
        assertEquals("trace", failure.getStackTrace().getValue());
    }

    @Test
    void actionsComeBackAsSchedulingEventsAndTheCompletionAsExecutionCompleted() {
        var item = new OrchestratorWorkItem("i1", "e1", 3, "Hello", List.of(), List.of());
        var response = OrchestratorService.OrchestratorResponse.newBuilder().setInstanceId("i1")
                .setCustomStatus(StringValue.of("{\"step\":1}"))
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(0).setScheduleTask(
                        OrchestratorService.ScheduleTaskAction.newBuilder().setName("Say").setInput(StringValue.of("\"x\""))))
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(1).setCreateTimer(
                        OrchestratorService.CreateTimerAction.newBuilder().setFireAt(ProtocolMapping.timestamp(T1))))
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(2).setCreateSubOrchestration(
                        OrchestratorService.CreateSubOrchestrationAction.newBuilder().setName("Child").setInstanceId("c1")))
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(3).setSendEvent(
                        OrchestratorService.SendEventAction.newBuilder().setName("ping").setData(StringValue.of("not json"))
                                .setInstance(OrchestratorService.OrchestrationInstance.newBuilder().setInstanceId("other"))))
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(4).setCompleteOrchestration(
                        OrchestratorService.CompleteOrchestrationAction.newBuilder()
                                .setOrchestrationStatus(OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW)
                                .setResult(StringValue.of("5"))
                                .addCarryoverEvents(OrchestratorService.HistoryEvent.newBuilder().setEventRaised(
                                        OrchestratorService.EventRaisedEvent.newBuilder().setName("kept")))))
                .build();
        CompleteOrchestratorWork c = ProtocolMapping.completion(item, response, T0);
        assertEquals(3, c.workSeq());
        assertEquals("e1", c.executionId());
        assertEquals(List.of(new HistoryEvent.TaskScheduled(T0, 0, "Say", TextNode.valueOf("x")),
                new HistoryEvent.TimerCreated(T0, 1, T1),
                new HistoryEvent.SubOrchestrationInstanceCreated(T0, 2, "Child", "c1", null),
                new HistoryEvent.EventSent(T0, 3, "other", "ping", TextNode.valueOf("not json"))), c.actions());
        assertEquals(new HistoryEvent.ExecutionCompleted(T0, RuntimeStatus.ContinuedAsNew, IntNode.valueOf(5), null),
                c.completion());
        assertEquals(List.of(new HistoryEvent.EventRaised(T0, "kept", null)), c.carriedOver());
        assertEquals(1, c.customStatus().path("step").asInt());
    }

    @Test
    void anActionTheNodeCannotCarryOutFailsTheExecution() {
        var item = new OrchestratorWorkItem("i1", "e1", 1, "Hello", List.of(), List.of());
        var response = OrchestratorService.OrchestratorResponse.newBuilder().setInstanceId("i1")
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(0).setTerminateOrchestration(
                        OrchestratorService.TerminateOrchestrationAction.newBuilder().setInstanceId("other")))
                .build();
        var end = ProtocolMapping.completion(item, response, T0).completion();
        assertEquals(RuntimeStatus.Failed, end.orchestrationStatus());
        assertEquals("UnsupportedAction", end.failure().errorType());
        assertNull(end.result());
    }
}
