package io.durablekafka.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpanNamesTest {

    @Test
    void theManagementApisNamesForWhatItNamesAndTheSamePatternOtherwise() {
        assertEquals("Management.StartOrchestration", SpanNames.of("startOrchestration"));
        assertEquals("Management.StartOrchestration", SpanNames.of("startOrchestrationWithIdV1"));
        assertEquals("Management.StartOrchestration", SpanNames.of("managementStart"));
        assertEquals("Management.GetStatus", SpanNames.of("getInstanceStatus"));
        assertEquals("Management.GetStatus", SpanNames.of("managementGetStatus"));
        assertEquals("Management.RaiseEvent", SpanNames.of("raiseEventV1"));
        assertEquals("Management.TerminateOrchestration", SpanNames.of("managementTerminate"));
        assertEquals("Management.SuspendOrchestration", SpanNames.of("suspendInstance"));
        assertEquals("Management.RewindOrchestration", SpanNames.of("rewindInstance"));
        assertEquals("Management.SignalEntity", SpanNames.of("signalEntity"));
    }
}
