package io.durablekafka.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Event IDs: what makes an event, their text form, and what a client with a Last-Event-ID has seen. */
class EventIdTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void onlyTheFieldsAClientSeesChangeTheEvent() {
        EventId running = EventId.of(status(RuntimeStatus.Running, null, null, T.plusMillis(5), 1));
        EventId laterStep = EventId.of(status(RuntimeStatus.Running, null, null, T.plusMillis(9), 7));
        assertTrue(laterStep.sameEvent(running), "history grew, nothing else");
        assertTrue(laterStep.seenBy(running));
        EventId progress = EventId.of(status(RuntimeStatus.Running, null, Json.toTree("50%"), T.plusMillis(9), 7));
        assertFalse(progress.sameEvent(running));
        assertFalse(progress.seenBy(running));
        EventId done = EventId.of(status(RuntimeStatus.Completed, Json.toTree(1), Json.toTree("50%"), T.plusMillis(12), 8));
        assertFalse(done.seenBy(progress));
        assertTrue(progress.seenBy(done), "an older status is not news to a client that saw a later one");
        assertFalse(running.sameEvent(null));
        assertEquals(T.plusMillis(5).toEpochMilli(), running.millis());
    }

    @Test
    void textFormRoundTripsAndBadHeadersAreRefused() {
        EventId id = EventId.of(status(RuntimeStatus.Running, null, null, T, 1));
        assertEquals(id, EventId.parse(id.toString()));
        assertEquals(id, EventId.parse(" " + id.toString().toUpperCase() + " "));
        assertNull(EventId.parse(null));
        assertNull(EventId.parse(" "));
        for (String bad : new String[] {"abc", "12-xyz", "-1234abcd", "12-123", "12-123456789", "x-12345678"}) {
            assertThrows(IllegalArgumentException.class, () -> EventId.parse(bad), bad);
        }
    }

    @Test
    void hubResumesSendWhatIsLaterThanTheLastEvent() {
        EventId last = EventId.of(status(RuntimeStatus.Running, null, null, T.plusMillis(10), 1));
        assertTrue(EventId.of(status(RuntimeStatus.Running, null, null, T.plusMillis(11), 1)).after(last));
        assertFalse(EventId.of(status(RuntimeStatus.Running, null, null, T.plusMillis(9), 1)).after(last));
        assertFalse(last.after(last));
        assertTrue(last.after(EventId.parse("0-00000000")), "the snapshot request");
        assertNotEquals(last.fingerprint(), EventId.of(status(RuntimeStatus.Completed, null, null, T, 1)).fingerprint());
    }

    private static InstanceStatus status(RuntimeStatus rs, JsonNode output, JsonNode customStatus, Instant updated,
                                         long historySize) {
        return new InstanceStatus("i-1", "Hello", "exec-1", rs, Json.toTree("in"), output, customStatus, null, T,
                updated, null, historySize, -1);
    }
}
