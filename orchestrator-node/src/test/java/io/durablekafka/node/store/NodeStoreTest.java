package io.durablekafka.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.IntNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.HistoryChunk;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store's key layout at work: ranges stay within one instance, one entity, what is due. */
class NodeStoreTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final NodeStore store = InMemoryStores.nodeStore();

    private static HistoryEvent raised(String name) {
        return new HistoryEvent.EventRaised(T0, name, IntNode.valueOf(1));
    }

    @Test
    void historyIsReadBackInChunkOrderAndOnlyForItsInstance() {
        // "a" is a prefix of "ab": their chunks must not mix.
        store.appendHistory(new HistoryChunk("a", "e", 2, List.of(raised("a3"))));
        store.appendHistory(new HistoryChunk("a", "e", 0, List.of(raised("a1"), raised("a2"))));
        store.appendHistory(new HistoryChunk("ab", "e", 0, List.of(raised("ab1"))));

        assertEquals(List.of(raised("a1"), raised("a2"), raised("a3")), store.read("a"));
        assertEquals(List.of(raised("ab1")), store.read("ab"));

        store.dropHistory("a");
        assertEquals(List.of(), store.read("a"));
        assertEquals(List.of(raised("ab1")), store.read("ab"));
    }

    @Test
    void takeDueReturnsWhatIsDueEarliestFirstAndRemovesIt() {
        var late = new DueItem.Timer("x", 1, T0.plusSeconds(60));
        var early = new DueItem.Timer("y", 0, T0.plusSeconds(1));
        var exactlyNow = new DueItem.ScheduledSignal(7, new SignalEntity("@c@k", "add", null, T0.plusSeconds(30), null));
        store.putDue(late);
        store.putDue(exactlyNow);
        store.putDue(early);

        assertEquals(List.of(early, exactlyNow), store.takeDue(T0.plusSeconds(30), 10));
        assertEquals(List.of(), store.takeDue(T0.plusSeconds(30), 10), "taken items are gone");
        store.deleteDue(late);
        assertEquals(List.of(), store.takeDue(T0.plusSeconds(3600), 10));
    }

    @Test
    void takeDueTakesAtMostTheBatchSize() {
        for (int i = 0; i < 5; i++) {
            store.putDue(new DueItem.Timer("x", i, T0));
        }

        assertEquals(3, store.takeDue(T0, 3).size());
        assertEquals(2, store.takeDue(T0, 3).size());
    }

    @Test
    void entityQueuesAreReadFromAnOffsetInOffsetOrder() {
        store.enqueue("@c@a", 9, new byte[]{9});
        store.enqueue("@c@a", 3, new byte[]{3});
        store.enqueue("@c@ab", 4, new byte[]{4});

        assertEquals(List.of(3L, 9L), store.queue("@c@a", 0).stream().map(NodeStore.QueuedMessage::offset).toList());
        assertEquals(List.of(9L), store.queue("@c@a", 4).stream().map(NodeStore.QueuedMessage::offset).toList());
        assertEquals(Set.of("@c@a", "@c@ab"), store.queuedEntities());

        store.dequeue("@c@a", 3);
        store.dequeue("@c@a", 9);
        assertEquals(Set.of("@c@ab"), store.queuedEntities());
        assertNull(store.entity("@c@a"));
    }
}
