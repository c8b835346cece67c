package io.durablekafka.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DueQueueTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aRecordNotDueWaitsWithoutHoldingUpLaterOnes() {
        DueQueue<String> q = new DueQueue<>();
        q.add(P0, 10, T0.plusSeconds(60), "later");
        q.add(P0, 11, T0, "now");
        assertEquals("now", q.takeDue(T0).orElseThrow().value());
        assertTrue(q.takeDue(T0).isEmpty());
        assertEquals(Duration.ofSeconds(60), q.untilNextDue(T0, Duration.ofHours(1)));
        assertEquals(Duration.ofSeconds(5), q.untilNextDue(T0, Duration.ofSeconds(5)));
        assertEquals("later", q.takeDue(T0.plusSeconds(60)).orElseThrow().value());
    }

    @Test
    void theCommitStopsAtTheLowestUnfinishedRecord() {
        DueQueue<String> q = new DueQueue<>();
        var a = q.add(P0, 10, T0.plusSeconds(60), "a");
        var b = q.add(P0, 11, T0, "b");
        var c = q.add(P1, 3, T0, "c");
        q.takeDue(T0);
        q.takeDue(T0);
        q.finish(b);
        q.finish(c);
        Map<TopicPartition, OffsetAndMetadata> positions = q.commitPositions();
        assertEquals(10, positions.get(P0).offset(), "a is not finished: a restart must read it again");
        assertEquals(4, positions.get(P1).offset());
        q.committed(positions);
        assertTrue(q.commitPositions().isEmpty(), "nothing changed");
        q.finish(a);
        assertEquals(12, q.commitPositions().get(P0).offset());
        assertEquals(0, q.size());
    }

    @Test
    void heldRecordsHoldTheCommitButAreNeverDue() {
        DueQueue<String> q = new DueQueue<>();
        var held = q.hold(P0, 5);
        assertTrue(q.takeDue(Instant.MAX).isEmpty());
        assertEquals(5, q.commitPositions().get(P0).offset());
        q.finish(held);
        assertEquals(6, q.commitPositions().get(P0).offset());
    }

    @Test
    void aLostPartitionForgetsItsRecordsAndIgnoresLateResults() {
        DueQueue<String> q = new DueQueue<>();
        var old = q.add(P0, 1, T0, "x");
        q.add(P0, 2, T0.plusSeconds(5), "y");
        q.takeDue(T0);
        q.drop(List.of(P0));
        assertFalse(q.isCurrent(old));
        assertTrue(q.takeDue(Instant.MAX).isEmpty());
        var again = q.add(P0, 1, T0, "x");
        q.finish(old);
        assertEquals(1, q.size(), "a result from before the partition was lost finishes nothing");
        q.requeue(old, T0);
        assertEquals(again, q.takeDue(T0).orElseThrow());
        assertTrue(q.takeDue(T0).isEmpty());
    }
}
