package io.durablekafka.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class AdaptiveLingerProducerTest {

    private final MockProducer<String, String> mock = new MockProducer<>(true, null, new StringSerializer(),
            new StringSerializer());

    private static ProducerRecord<String, String> record(int i) {
        return new ProducerRecord<>("t", "k", "v" + i);
    }

    private List<String> sent() {
        return mock.history().stream().map(ProducerRecord::value).toList();
    }

    @Test
    void anIdleProducerSendsEachRecordAtOnce() throws Exception {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofSeconds(60), 1000);
        Future<RecordMetadata> ack = producer.send(record(1));
        assertEquals(List.of("v1"), sent(), "not held: the producer is idle");
        assertTrue(ack.isDone());
    }

    @Test
    void aBusyProducerHoldsRecordsAndSendsThemInOrder() throws Exception {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofMillis(20), 1000);
        List<Future<RecordMetadata>> acks = IntStream.range(0, 500).mapToObj(i -> producer.send(record(i))).toList();
        assertTrue(sent().size() < 500, "a burst of 500 sends counts as busy: the later ones are held");
        await(() -> sent().size() == 500, "the held records are sent after the hold");
        assertEquals(IntStream.range(0, 500).mapToObj(i -> "v" + i).toList(), sent(), "in the order sent");
        for (Future<RecordMetadata> ack : acks) {
            assertTrue(ack.get().hasOffset());
        }
    }

    @Test
    void aFlushSendsWhatIsHeldFirst() {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofSeconds(60), 1000);
        IntStream.range(0, 300).forEach(i -> producer.send(record(i)));
        assertTrue(sent().size() < 300, "some are held");
        producer.flush();
        assertEquals(300, sent().size(), "a flush never leaves records behind");
    }

    @Test
    void aCommitSendsWhatIsHeldFirst() {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofSeconds(60), 1000);
        producer.initTransactions();
        producer.beginTransaction();
        List<Future<RecordMetadata>> acks = IntStream.range(0, 300).mapToObj(i -> producer.send(record(i))).toList();
        assertTrue(!acks.getLast().isDone(), "the last ones are held");
        producer.commitTransaction();
        assertTrue(mock.transactionCommitted());
        assertEquals(300, sent().size(), "a commit never leaves records behind");
        assertTrue(acks.getLast().isDone());
    }

    @Test
    void aSendRightAfterACommitWaitsForTheHold() {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofSeconds(60), 1000);
        producer.initTransactions();
        producer.beginTransaction();
        producer.commitTransaction();
        producer.beginTransaction();
        Future<RecordMetadata> ack = producer.send(record(1));
        // (A transactional MockProducer completes a record's future when it is sent, and lists it once committed.)
        assertTrue(!ack.isDone(), "held although idle: the broker may still be finishing the transaction just committed");
        producer.commitTransaction();
        assertEquals(List.of("v1"), sent(), "and still never left behind by the next commit");
    }

    @Test
    void aSendAfterTheHoldSinceACommitGoesAtOnce() {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofMillis(5), 1000);
        producer.initTransactions();
        producer.beginTransaction();
        producer.commitTransaction();
        long committed = System.nanoTime();
        await(() -> System.nanoTime() - committed > Duration.ofMillis(5).toNanos(), "the hold has passed");
        producer.beginTransaction();
        Future<RecordMetadata> ack = producer.send(record(1));
        assertTrue(ack.isDone(), "an idle producer long after the commit is not delayed");
    }

    @Test
    void anAbortDropsWhatIsHeld() {
        var producer = new AdaptiveLingerProducer<>(mock, Duration.ofSeconds(60), 1000);
        producer.initTransactions();
        producer.beginTransaction();
        List<Future<RecordMetadata>> acks = IntStream.range(0, 300).mapToObj(i -> producer.send(record(i))).toList();
        producer.abortTransaction();
        assertTrue(mock.transactionAborted());
        assertTrue(acks.getLast().isCancelled(), "a held record of an aborted transaction is never sent");
        producer.beginTransaction();
        producer.commitTransaction();
        assertTrue(mock.history().isEmpty(), "nothing of the aborted transaction was sent: " + mock.history().size());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.onSpinWait();
        }
    }
}
