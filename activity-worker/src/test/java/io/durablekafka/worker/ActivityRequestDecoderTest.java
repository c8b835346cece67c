package io.durablekafka.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.serde.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActivityRequestDecoderTest {

    private final ActivityRequestDecoder decoder = new ActivityRequestDecoder();

    @Test
    void readsWhatTheOrchestratorWrites() throws Exception {
        var request = new ActivityRequest("i", "e", 4, "Act", Json.toTree(java.util.Map.of("a", 1)));
        assertEquals(request, decoder.decode(Json.toBytes(request)));
    }

    @Test
    void rejectsRecordsItCannotRunSafely() {
        assertReason(null, "no value");
        assertReason("nope", "not JSON");
        assertReason("[1,2]", "not a JSON object");
        assertReason("{\"v\":2,\"instanceId\":\"i\",\"executionId\":\"e\",\"taskId\":1,\"name\":\"A\"}", "newer");
        assertReason("{\"type\":\"RaiseEvent\",\"instanceId\":\"i\",\"executionId\":\"e\",\"taskId\":1,\"name\":\"A\"}",
                "RaiseEvent");
        assertReason("{\"executionId\":\"e\",\"taskId\":1,\"name\":\"A\"}", "instanceId");
        assertReason("{\"instanceId\":\"i\",\"executionId\":\"e\",\"name\":\"A\"}", "taskId");
        assertReason("{\"instanceId\":\"i\",\"executionId\":\"e\",\"taskId\":1}", "name");
    }

    private void assertReason(String json, String expected) {
        byte[] value = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(UnreadableRecordException.class, () -> decoder.decode(value));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
