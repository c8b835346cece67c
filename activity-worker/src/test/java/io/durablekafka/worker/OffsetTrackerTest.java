package io.durablekafka.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.worker.commit.OffsetTracker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);

    @Test
    void commitsStopAtTheLowestOffsetStillOpenWhenWorkFinishesOutOfOrder() {
        var tracker = new OffsetTracker();
        var t5 = tracker.open(P0, 5);
        var t6 = tracker.open(P0, 6);
        var t7 = tracker.open(P0, 7);
        assertEquals(Map.of(P0, new OffsetAndMetadata(5)), tracker.advancedPositions());

        t7.done();
        t6.done();
        assertEquals(Map.of(), tracker.advancedPositions(), "5 is still open");

        t5.done();
        assertEquals(Map.of(P0, new OffsetAndMetadata(8)), tracker.advancedPositions());
        assertEquals(Map.of(), tracker.advancedPositions(), "nothing new to commit");
    }

    @Test
    void aFailedCommitIsHandedOutAgain() {
        var tracker = new OffsetTracker();
        tracker.open(P0, 0).done();
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.advancedPositions();
        tracker.commitFailed(offsets);
        assertEquals(offsets, tracker.advancedPositions());
    }

    @Test
    void ticketsOfAForgottenPartitionNoLongerCount() {
        var tracker = new OffsetTracker();
        var old = tracker.open(P0, 3);
        tracker.forget(List.of(P0));
        assertFalse(old.isCurrent());

        var again = tracker.open(P0, 3);
        old.done();
        assertEquals(1, tracker.openCount(), "the old ticket does not close the new delivery of the same offset");
        assertTrue(again.isCurrent());
    }
}
