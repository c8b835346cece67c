package io.durablekafka.deploy.deadletters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** What a replay sends, how a dead letter is shown, and the command's options; the Kafka side is in ExternalProducerTest. */
class DeadLetterTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static DeadLetter letter() {
        RecordHeaders original = new RecordHeaders();
        original.add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        original.add(DeadLetters.REPLAYED_FROM, utf8("dk.h1.deadletter:0:1"));
        var headers = DeadLetters.headers(original, "instance 'a' does not exist;\nevent dropped", "dk.h1.orchestrations", 2, 17);
        return new DeadLetter("dk.h1.deadletter", 3, 5, 0L, utf8("a"),
                utf8("{\"type\":\"RaiseEvent\",\"v\":1,\"instanceId\":\"a\",\"name\":\"x\",\"input\":1}"), headers);
    }

    @Test
    void aReplayIsTheOriginalRecordWithoutTheDeadLetterHeadersAndSaysWhereItCameFrom() {
        var record = letter().replay();

        assertEquals("dk.h1.orchestrations", record.topic());
        assertNull(record.partition(), "the key chooses the partition, as for any producer");
        assertArrayEquals(utf8("a"), record.key());
        assertArrayEquals(letter().value(), record.value());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Header h : record.headers()) {
            assertNull(headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)), "one " + h.key());
        }
        assertEquals(Set.of("traceparent", DeadLetters.REPLAYED_FROM), headers.keySet());
        assertEquals("dk.h1.deadletter:3:5", headers.get(DeadLetters.REPLAYED_FROM), "this dead letter, not the older one");
    }

    @Test
    void aLineIsOneLineWithEverything() {
        String line = letter().line(20);

        assertEquals("3:5  1970-01-01T00:00:00Z  key=a  reason=instance 'a' does not exist;\\nevent dropped"
                + "  source=dk.h1.orchestrations:2:17  replayed-from=dk.h1.deadletter:0:1"
                + "  value={\"type\":\"RaiseEvent\"... (65 chars)", line);
        assertEquals("(null)", DeadLetter.oneLine(null, 5));
        assertEquals("abc", DeadLetter.oneLine("abc", 3));
    }

    @Test
    void optionsAreCheckedBeforeAnythingConnects() {
        var parsed = DeadLettersCommand.parse(List.of("--offset", "0:1", "--offset=2:3", "--dry-run", "--hub", "h1"),
                Set.of("offset", "dry-run"));
        assertEquals(List.of("0:1", "2:3"), parsed.get("offset"));
        assertEquals(List.of("true"), parsed.get("dry-run"));
        assertThrows(IllegalArgumentException.class, () -> DeadLettersCommand.parse(List.of("--json"), Set.of("offset")));
        assertThrows(IllegalArgumentException.class, () -> DeadLettersCommand.parse(List.of("--offset"), Set.of("offset")));
        assertThrows(IllegalArgumentException.class, () -> DeadLettersCommand.parse(List.of("0:1"), Set.of("offset")));
        assertEquals(Map.of(0, 5L, 1, 5L), DeadLetterTopic.offsetsFrom("5", List.of(0, 1)));
        assertEquals(Map.of(1, 7L), DeadLetterTopic.offsetsFrom("1:7", List.of(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterTopic.offsetsFrom("x", List.of(0)));
        assertTrue(DeadLettersCommand.USAGE.contains("deadletters replay"));
    }
}
