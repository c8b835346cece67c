package io.durablekafka.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.durablekafka.common.config.Settings;
import io.durablekafka.sdk.FunctionRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

    private final FunctionRegistry registry = FunctionRegistry.builder()
            .addActivity("A", ctx -> null)
            .addActivity("B", "math", ctx -> null)
            .build();

    @Test
    void servesEveryQueueOfTheRegistryWith64AtOnceByDefault() {
        var options = WorkerOptions.fromSettings(Settings.of(Map.of(
                Settings.BOOTSTRAP_SERVERS, "localhost:9092", Settings.TASK_HUB, "Hub1",
                "dk.kafka.security.protocol", "PLAINTEXT")), registry);
        assertEquals(Set.of("default", "math"), options.taskQueues());
        assertEquals(64, options.concurrency());
        assertEquals("dk.Hub1.tasks.math", options.topics().tasks("math"));
        assertEquals("PLAINTEXT", options.kafkaOverrides().getProperty("security.protocol"));
    }

    @Test
    void queuesAndConcurrencyComeFromSettings() {
        var options = WorkerOptions.fromSettings(Settings.of(Map.of(
                Settings.BOOTSTRAP_SERVERS, "localhost:9092",
                WorkerOptions.TASK_QUEUES, " math, gpu ,",
                WorkerOptions.CONCURRENCY, "8")), registry);
        assertEquals(List.of("math", "gpu"), List.copyOf(options.taskQueues()));
        assertEquals(8, options.concurrency());
    }

    @Test
    void rejectsNonsense() {
        var settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, "localhost:9092"));
        assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.fromSettings(settings.with(WorkerOptions.CONCURRENCY, "0"), registry));
        assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.fromSettings(settings.with(WorkerOptions.TASK_QUEUES, "no spaces allowed"), registry));
    }
}
