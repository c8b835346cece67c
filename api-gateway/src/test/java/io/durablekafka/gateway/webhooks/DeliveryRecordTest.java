package io.durablekafka.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.webhooks.CompletionNotice;
import io.durablekafka.common.webhooks.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the deliverer accepts from the webhooks topic; everything else is dead-lettered with the reason. */
class DeliveryRecordTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.250Z");
    private static final WebhookDelivery FIRST = WebhookDelivery.first("msg_1", "https://hooks.example.com/x",
            new CompletionNotice("i-1", "Hello", RuntimeStatus.Completed, Json.toTree("hi"), T0, T0), T0);

    private static ConsumerRecord<String, byte[]> record(String key, String value) {
        return new ConsumerRecord<>("dk.h.webhooks", 0, 7, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(String key, String value) {
        return assertThrows(IllegalArgumentException.class, () -> WebhookDeliverer.decode(record(key, value))).getMessage();
    }

    @Test
    void readsWhatTheNodeAndTheDeliverersWrite() {
        String json = new String(Json.toBytes(FIRST), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"type\":\"WebhookDelivery\"") && json.contains("\"v\":1"), json);
        assertEquals(FIRST, WebhookDeliverer.decode(record("i-1", json)));
        WebhookDelivery retry = FIRST.retry(T0.plusSeconds(1), "HTTP 500");
        assertEquals(retry, WebhookDeliverer.decode(record("i-1", new String(Json.toBytes(retry), StandardCharsets.UTF_8))));
        assertEquals(2, retry.attempt());
        assertEquals(FIRST.webhookId(), retry.webhookId());
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), FIRST.notice().createdTime(), "seconds precision");
    }

    @Test
    void refusesRecordsItCannotDeliver() {
        String good = new String(Json.toBytes(FIRST), StandardCharsets.UTF_8);
        assertTrue(reason("i-1", null).contains("without a value"));
        assertTrue(reason("i-1", "not json").contains("unreadable"));
        assertTrue(reason("i-1", "[1]").contains("not a JSON object"));
        assertTrue(reason("i-1", good.replace("WebhookDelivery", "Other")).contains("unknown record type"));
        assertTrue(reason("i-1", good.replace("\"v\":1", "\"v\":9")).contains("newer"));
        assertTrue(reason("other", good).contains("differs"));
        assertTrue(reason("i-1", "{\"type\":\"WebhookDelivery\",\"v\":1,\"instanceId\":\"i-1\"}").contains("needs"));
    }
}
