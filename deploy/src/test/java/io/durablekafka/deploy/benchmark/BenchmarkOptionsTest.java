package io.durablekafka.deploy.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's command line: today's options keep their meaning, mistakes are refused before anything starts. */
class BenchmarkOptionsTest {

    private static BenchmarkOptions parse(String... args) {
        return BenchmarkOptions.parse(List.of(args));
    }

    private static String refusal(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void withoutModeItIsTodaysThroughputRun() {
        BenchmarkOptions o = parse("--count", "3000", "--concurrency", "200", "--warmup", "500");
        assertEquals(Mode.THROUGHPUT, o.mode());
        assertEquals(3000, o.count());
        assertEquals(500, o.warmup());
        assertEquals("HelloSequence5", o.orchestration());
        assertFalse(o.viaKafka());
        assertEquals(200, parse("--count", "2000").warmup());
        assertEquals(50, parse("--count", "50").warmup());
    }

    @Test
    void latencyRunsHelloCitiesOneAtATime() {
        BenchmarkOptions o = parse("--mode", "latency");
        assertEquals("HelloCities", o.orchestration());
        assertEquals(1, o.concurrency());
        assertEquals(300, o.count());
        assertEquals(200, o.warmup());
    }

    @Test
    void entitySignalsAloneSelectsItsMode() {
        BenchmarkOptions o = parse("--entity-signals", "100000", "--entity-counters", "1");
        assertEquals(Mode.ENTITY_SIGNALS, o.mode());
        assertEquals(100_000, o.entitySignals());
        assertEquals(1, o.entityCounters());
        assertEquals(4, o.entitySenders());
    }

    @Test
    void eachModeHasItsDefaults() {
        assertEquals(1000, parse("--mode", "sequence").length());
        assertEquals(100, parse("--mode", "sequence").warmup());
        assertEquals(40, parse("--mode", "sequence", "--length", "40").warmup());
        assertEquals(1000, parse("--mode", "fan-out").width());
        assertEquals(5, parse("--mode", "fan-out").repeat());
        assertEquals(100_000, parse("--mode", "waiting").instances());
        assertEquals(1_000_000, parse("--mode", "waiting", "--instances", "1,000,000").instances());
        assertEquals(300, parse("--mode", "list").listRequests());
    }

    @Test
    void whatEachModeNeeds() {
        assertTrue(parse().needsHttp());
        assertFalse(parse().needsKafka());
        assertFalse(parse("--via", "kafka").needsHttp());
        assertTrue(parse("--via", "kafka").needsKafka());
        assertTrue(parse("--mode", "waiting").needsKafka());
        assertTrue(parse("--mode", "entity-signals").needsHttp());
    }

    @Test
    void scaleRunsTheSameLoadAgainstEachNodeCount() {
        BenchmarkOptions o = parse("--mode", "scale", "--nodes", "1,2,3", "--seconds", "30", "--dk.partitions", "6");
        assertEquals(List.of(1, 2, 3), o.nodeCounts());
        assertEquals(30, o.seconds());
        assertEquals(400, o.concurrency());
        assertEquals("HelloSequence5", o.orchestration());
        assertEquals(java.util.Map.of("dk.partitions", "6"), o.dkOptions());
        assertTrue(o.startsProcesses());
        assertFalse(o.needsHttp());
        assertEquals(1_000_000, parse("--mode", "views").instances());
        assertTrue(refusal("--mode", "scale", "--nodes", "1,x").contains("--nodes takes node counts"));
        assertTrue(refusal("--mode", "scale", "--nodes", "0").contains("--nodes takes node counts"));
        assertTrue(refusal("--mode", "views", "--url", "http://localhost:7071").contains("takes no --url"));
        assertTrue(refusal("--mode", "views", "--nodes", "2").contains("does not apply to --mode views"));
    }

    @Test
    void mistakesAreRefusedWithASentence() {
        assertEquals("unknown option --frobnicate", refusal("--frobnicate"));
        assertTrue(refusal("--mode", "sequence", "--count", "5").contains("does not apply to --mode sequence"));
        assertTrue(refusal("--mode", "nope").startsWith("unknown mode 'nope'"));
        assertTrue(refusal("--count", "many").contains("whole number"));
        assertTrue(refusal("--count", "0").contains("at least 1"));
        assertTrue(refusal("--via", "carrier-pigeon").contains("http or kafka"));
        assertTrue(refusal("--input", "{oops").contains("not JSON"));
        assertTrue(refusal("--mode", "sequence", "--length", "1").contains("at least 2"));
        assertTrue(refusal("--url", "nowhere").contains("not an http URL"));
        assertTrue(refusal("-x").contains("unexpected argument"));
    }

    @Test
    void settingsPassThrough() {
        BenchmarkOptions o = parse("--dk.partitions", "1", "--task-hub", "MyHub");
        assertEquals(1, o.settings().partitions());
        assertEquals("MyHub", o.settings().taskHub());
    }
}
