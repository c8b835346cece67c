package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Durable entities end to end: signals straight to Kafka, entity state read from the status topic, orchestrations
 * started over HTTP that call, signal and lock entities.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntityTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private TestCluster cluster;
    private StatusTopicReader status;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Entities", EntityTestFunctions.registry());
        status = cluster.statusTopic();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private static String counter(String key) {
        return EntityTestFunctions.counter(key).toString();
    }

    private void signal(String entityId, String operation, Object input) {
        cluster.send(SignalEntity.of(entityId, operation, Json.toTree(input)));
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void firstOperationCreatesTheEntityAndDeleteRemovesIt() {
        String id = counter(unique("c"));
        assertNull(status.latest(id));
        signal(id, "add", 5);
        signal(id, "ADD", 7); // operation names ignore case
        JsonNode s = status.awaitState(id, 12, WAIT);
        assertEquals("counter", s.path("name").asText());
        assertEquals(id, s.path("instanceId").asText());
        assertEquals("Running", s.path("runtimeStatus").asText());
        assertFalse(s.path("lastUpdatedTime").isNull(), s.toString());

        signal(id, "delete", null); // implicit operation of TaskEntity
        status.await(id, WAIT, latest -> latest == null);
        List<JsonNode> seen = status.history(id);
        assertTrue(seen.getLast().isNull(), "a tombstone ends the history: " + seen);

        signal(id, "add", 1); // created again, from the initial state
        status.awaitState(id, 1, WAIT);
        signal(id, "reset", null);
        status.awaitState(id, 0, WAIT);
    }

    @Test
    void scheduledSignalRunsNoEarlierThanItsTime() {
        String id = counter(unique("sched"));
        signal(id, "add", 1);
        status.awaitState(id, 1, WAIT);
        Instant due = Instant.now().plusMillis(1500);
        cluster.send(new SignalEntity(id, "add", Json.toTree(10), due, null));
        signal(id, "add", 100); // not scheduled: runs first
        status.awaitState(id, 101, WAIT);
        JsonNode s = status.awaitState(id, 111, WAIT);
        Instant applied = Instant.now();
        assertFalse(applied.isBefore(due), "applied at " + applied + ", due " + due);
        Instant lastUpdated = Instant.parse(s.path("lastUpdatedTime").asText());
        assertFalse(lastUpdated.isBefore(due), "operation time " + lastUpdated + ", due " + due);
    }

    @Test
    void callEntityReturnsTheAnswerAndOneSendersOperationsKeepTheirOrder() {
        String key = unique("call");
        signal(counter(key), "add", 3);
        status.awaitState(counter(key), 3, WAIT);
        String get = cluster.start("CallCounter", Map.of("key", key, "op", "get"));
        assertEquals(3, cluster.awaitRuntimeStatus(get, "Completed").path("output").asInt());

        String ordered = cluster.start("SignalSignalGet", key);
        assertEquals(13, cluster.awaitRuntimeStatus(ordered, "Completed").path("output").asInt());
        JsonNode history = cluster.status(ordered, true).path("historyEvents");
        List<String> types = new ArrayList<>();
        history.forEach(e -> types.add(e.path("EventType").asText()));
        assertTrue(types.containsAll(List.of("EntityOperationSignaled", "EntityOperationCalled", "EntityOperationCompleted")),
                types.toString());

        // A call to an entity that does not exist yet creates it.
        String fresh = unique("fresh");
        String add = cluster.start("CallCounter", Map.of("key", fresh, "op", "add", "input", 4));
        cluster.awaitRuntimeStatus(add, "Completed");
        status.awaitState(counter(fresh), 4, WAIT);
    }

    @Test
    void failedOperationRollsBackItsChangeAndFailsTheCall() {
        String account = unique("acct");
        String id = "@account@" + account;
        signal(id, "deposit", 10);
        status.awaitState(id, 10, WAIT);
        String withdraw = cluster.start("Withdraw", Map.of("account", account, "amount", 50));
        String output = cluster.awaitRuntimeStatus(withdraw, "Completed").path("output").asText();
        assertTrue(output.startsWith("failed: insufficient funds"), output);
        // A failing signal changes nothing either; later operations still run.
        signal(id, "withdraw", 1000);
        signal(id, "deposit", 5);
        status.awaitState(id, 15, WAIT);

        String relay = "@relay@" + unique("r");
        String target = unique("target");
        cluster.send(SignalEntity.of(relay, "forwardAndFail", Json.toTree(target)));
        cluster.send(SignalEntity.of(relay, "forward", Json.toTree(Map.of("counter", target, "amount", 2))));
        status.awaitState(relay, 1, WAIT); // 100 of the failed operation rolled back
        status.awaitState(counter(target), 2, WAIT); // its signal of 1000 was dropped
    }

    @Test
    void entitiesSignalEntitiesAndStartOrchestrations() {
        String relay = "@relay@" + unique("r");
        String target = unique("t");
        for (int i = 0; i < 3; i++) {
            cluster.send(SignalEntity.of(relay, "forward", Json.toTree(Map.of("counter", target, "amount", 10))));
        }
        status.awaitState(counter(target), 30, WAIT);
        status.awaitState(relay, 3, WAIT);

        String orchestration = unique("started-by-entity");
        cluster.send(SignalEntity.of(relay, "startHello", Json.toTree(orchestration)));
        // The start is asynchronous: wait for the orchestration on the status topic, where it appears once started.
        JsonNode started = status.await(orchestration, WAIT, st -> st != null && "Completed".equals(st.path("runtimeStatus").asText()));
        assertEquals(3, started.path("output").size());
        assertEquals("HelloCities", started.path("name").asText());
    }

    @Test
    void criticalSectionRulesAreEnforced() {
        String key = unique("rules");
        String id = cluster.start("BreakLockRules", key);
        JsonNode output = cluster.awaitRuntimeStatus(id, "Completed").path("output");
        List<String> lines = new ArrayList<>();
        output.forEach(l -> lines.add(l.asText()));
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("call: ") && lines.get(0).contains("only the locked entities"), lines.get(0));
        assertTrue(lines.get(1).startsWith("nested: "), lines.get(1));
        assertTrue(lines.get(2).startsWith("signal: "), lines.get(2));
        assertTrue(lines.get(3).startsWith("sub-orchestration: "), lines.get(3));
        assertTrue(lines.get(4).startsWith("inside: true"), lines.get(4));
        assertEquals("after: false", lines.get(5));
        status.awaitState(counter(key), 1, WAIT);
        // The section was closed: the entity is unlocked and runs signals again.
        signal(counter(key), "add", 1);
        status.awaitState(counter(key), 2, WAIT);
        assertTrue(status.latest(counter(key)).path("customStatus").isNull(), status.latest(counter(key)).toString());
    }

    @Test
    void locksAreReleasedWhenTheOrchestrationFails() {
        String key = unique("fail");
        String failed = cluster.start("LockAndFail", key);
        JsonNode s = cluster.awaitRuntimeStatus(failed, "Failed");
        assertTrue(s.path("output").asText().contains("failing inside the critical section"), s.toString());
        String second = cluster.start("LockAndGet", key);
        assertEquals(1, cluster.awaitRuntimeStatus(second, "Completed").path("output").asInt());
    }

    @Test
    void rewindOfAnOrchestrationThatFailedInACriticalSectionLocksAgainAndReleasesAgain() {
        String key = unique("rewind");
        String failed = cluster.start("LockAndFail", key);
        cluster.awaitRuntimeStatus(failed, "Failed");
        cluster.send(new io.durablekafka.common.messages.RewindOrchestration(failed, "once more"));
        // It replays to the same failure (its add is in history and does not run again): a second Failed status.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (status.history(failed).stream().filter(st -> "Failed".equals(st.path("runtimeStatus").asText())).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "no second failure after the rewind: " + status.history(failed));
            TestCluster.pause();
        }
        assertEquals(1, countEvents(cluster.status(failed, true), "EntityOperationCompleted"));
        String second = cluster.start("LockAndGet", key);
        assertEquals(1, cluster.awaitRuntimeStatus(second, "Completed").path("output").asInt());
        status.await(counter(key), WAIT, st -> st != null && st.path("customStatus").isNull());
    }

    private static int countEvents(JsonNode status, String type) {
        int n = 0;
        for (JsonNode e : status.path("historyEvents")) {
            if (type.equals(e.path("EventType").asText())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void locksAreReleasedWhenTheOrchestrationIsTerminated() {
        String key = unique("term");
        String holder = cluster.start("LockAndWait", key);
        // Locked (the add inside the section ran): the status shows the owner.
        status.await(counter(key), WAIT, st -> st != null && holder.equals(st.path("customStatus").path("lockedBy").asText()));
        signal(counter(key), "add", 10); // waits for the lock
        String waiting = cluster.start("LockAndGet", key); // waits for the lock too
        cluster.awaitRuntimeStatus(waiting, "Running");
        cluster.send(new TerminateOrchestration(holder, "give up"));
        cluster.awaitRuntimeStatus(holder, "Terminated");
        // Queued work runs in arrival order once the lock is released: the signal, then the second lock.
        assertEquals(11, cluster.awaitRuntimeStatus(waiting, "Completed").path("output").asInt());
        status.await(counter(key), WAIT, st -> st != null && st.path("customStatus").isNull());
    }

    @Test
    void lockRequestStillOnItsWayIsCancelledWhenItsOrchestrationIsTerminated() {
        String key = unique("inflight");
        String holder = cluster.start("LockAndWait", key);
        status.await(counter(key), WAIT, st -> st != null && holder.equals(st.path("customStatus").path("lockedBy").asText()));
        String queued = cluster.start("LockAndWait", key); // its lock request waits behind the holder's lock
        cluster.awaitRuntimeStatus(queued, "Running");
        cluster.send(new TerminateOrchestration(queued, "never mind"));
        cluster.awaitRuntimeStatus(queued, "Terminated");
        cluster.send(new RaiseEvent(holder, "Go", null));
        cluster.awaitRuntimeStatus(holder, "Completed");
        // The terminated orchestration's request was dropped, not granted: a third one gets the lock.
        String third = cluster.start("LockAndGet", key);
        assertEquals(1, cluster.awaitRuntimeStatus(third, "Completed").path("output").asInt());
    }

    @Test
    void concurrentTransfersConserveTheTotalAndNeverOverdraw() {
        String prefix = unique("bank");
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accounts.add(prefix + "-" + i);
            signal("@account@" + accounts.get(i), "deposit", 100);
        }
        accounts.forEach(a -> status.awaitState("@account@" + a, 100, WAIT));

        Random random = new Random(42);
        List<String> transfers = new ArrayList<>();
        List<Thread> starters = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            List<Map<String, Object>> inputs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int from = random.nextInt(5);
                int to = (from + 1 + random.nextInt(4)) % 5;
                inputs.add(Map.of("from", accounts.get(from), "to", accounts.get(to), "amount", 1 + random.nextInt(80)));
            }
            starters.add(Thread.ofVirtual().start(() -> inputs.forEach(in -> {
                String id = cluster.start("Transfer", in);
                synchronized (transfers) {
                    transfers.add(id);
                }
            })));
        }
        for (Thread t : starters) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        assertEquals(50, transfers.size());
        int moved = 0;
        Map<String, Long> expected = new java.util.HashMap<>();
        accounts.forEach(a -> expected.put(a, 100L));
        for (String id : transfers) {
            JsonNode out = cluster.awaitStatus(id, Duration.ofSeconds(90),
                    st -> "Completed".equals(st.path("runtimeStatus").asText())).path("output");
            assertTrue(out.path("fromBalance").asLong() >= 0, out.toString());
            if (out.path("transferred").asBoolean()) {
                moved++;
                long amount = out.path("amount").asLong();
                expected.merge(out.path("from").asText(), -amount, Long::sum);
                expected.merge(out.path("to").asText(), amount, Long::sum);
            }
        }
        assertTrue(moved > 0, "no transfer moved money");
        long total = 0;
        for (String a : accounts) {
            String id = "@account@" + a;
            // The status may trail the last completion by a commit: wait until it has no lock.
            JsonNode s = status.await(id, WAIT, st -> st != null && st.path("customStatus").isNull());
            total += s.path("output").asLong();
            assertEquals(expected.get(a), s.path("output").asLong(), "balance of " + a + " after the completed transfers");
            for (JsonNode seen : status.history(id)) {
                assertTrue(seen.isNull() || seen.path("output").asLong() >= 0, "negative balance of " + id + ": " + seen);
            }
        }
        assertEquals(500, total, "the total must be conserved");
    }

    @Test
    void unknownEntityIsDeadLetteredAndItsCallerFails() {
        String nosuch = "@nosuch@" + unique("x");
        cluster.send(SignalEntity.of(nosuch, "add", Json.toTree(1)));
        String reason = deadLetterReason(nosuch);
        assertTrue(reason.contains("'nosuch'") && reason.contains("not registered"), reason);

        // Upper-case names are not entity IDs as Durable Functions writes them.
        cluster.send(SignalEntity.of("@Counter@x", "add", Json.toTree(1)));
        assertTrue(deadLetterReason("@Counter@x").contains("lower case"));

        // A call to it from Kafka: dead-lettered, and the caller's task fails (it is no orchestration here).
        String caller = "caller-" + unique("o");
        String other = "@nosuch@" + unique("y");
        cluster.send(new CallEntity(other, "get", null, caller, null, 0));
        assertTrue(deadLetterReason(other).contains("not registered"));
    }

    /** Reads the dead-letter topic until a record with {@code key} shows up; returns its reason header. */
    private String deadLetterReason(String key) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, io.durablekafka.kafka.SharedKafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(cluster.topics.deadLetter()).forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    var h = r.headers().lastHeader(DeadLetters.REASON);
                    if (key.equals(r.key()) && h != null) {
                        return new String(h.value(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new AssertionError("no dead letter for '" + key + "' within " + WAIT);
    }
}
