package io.durablekafka.deploy.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Step times come from the rendered history: the first ScheduledTime, then consecutive TaskCompleted timestamps. */
class SequenceStepsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** A rendered history of a sequence whose step k takes k ms. */
    private static JsonNode history(int steps) {
        ArrayNode events = Json.MAPPER.createArrayNode();
        events.addObject().put("EventType", "ExecutionStarted").put("Timestamp", T0.minusMillis(3).toString());
        Instant scheduled = T0;
        for (int k = 1; k <= steps; k++) {
            Instant completed = scheduled.plusMillis(k);
            ObjectNode e = events.addObject();
            e.put("EventType", "TaskCompleted").put("FunctionName", "Square")
                    .put("ScheduledTime", scheduled.toString()).put("Timestamp", completed.toString());
            scheduled = completed;
        }
        events.addObject().put("EventType", "ExecutionCompleted").put("Timestamp", scheduled.plusMillis(2).toString());
        return events;
    }

    @Test
    void stepsRunFromCompletionToCompletion() {
        SequenceSteps s = SequenceSteps.fromHistory(history(10));
        assertEquals(10, s.steps());
        assertEquals(1.0, s.meanMs(1, 1), 1e-9);
        assertEquals(2.0, s.meanMs(1, 3), 1e-9);      // (1 + 2 + 3) / 3
        assertEquals(9.5, s.meanMs(9, 10), 1e-9);
        assertEquals(10.0, s.durations(6, 10).max(), 1e-9);
        assertEquals(8.0, s.durations(6, 10).percentile(50), 1e-9);
    }

    @Test
    void otherEventsDoNotCount() {
        assertEquals(0, SequenceSteps.fromHistory(history(0)).steps());
        assertEquals(3, SequenceSteps.fromHistory(history(3)).steps());
    }
}
