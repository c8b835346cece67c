package io.durablekafka.node.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.store.DueItem;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.sdk.FunctionRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the {@link OrchestrationEngine} over an in-memory "store" the way the node's writer does: instance records
 * and history chunks (both through the store's codec, as RocksDB would keep them), and the due-time index of
 * timers. Each step is checked for consistency: chunks continue the stored history, the record's history size is
 * what is stored.
 */
final class EngineHarness {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    final OrchestrationEngine engine;
    final Map<String, InstanceState> instances = new HashMap<>();
    final Map<String, List<HistoryEvent>> histories = new HashMap<>();
    final Set<DueItem.Timer> timers = new LinkedHashSet<>();
    Instant now = T0;
    long offset;

    EngineHarness(FunctionRegistry registry) {
        this(registry, 100);
    }

    EngineHarness(FunctionRegistry registry, int cacheSize) {
        this(registry, new EngineSettings(cacheSize, Duration.ofSeconds(10), Set.of("default")));
    }

    EngineHarness(FunctionRegistry registry, EngineSettings settings) {
        this.engine = new OrchestrationEngine(registry, settings,
                id -> List.copyOf(histories.getOrDefault(id, List.of())));
    }

    /** The next input record: applies {@code message} at the current time and stores what the step changed. */
    OrchestrationEngine.Outcome send(OrchestrationMessage message) {
        OrchestrationEngine.Outcome outcome = engine.onMessage(instances.get(message.instanceId()), message, offset++, now);
        store(outcome.step());
        return outcome;
    }

    /** Fires an armed timer (as the due-time index would at its time) and stores the step. */
    StepResult fire(DueItem.Timer timer) {
        timers.remove(timer);
        StepResult step = engine.onTimer(instances.get(timer.instanceId()), timer, now);
        store(step);
        return step;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    InstanceState instance(String id) {
        return instances.get(id);
    }

    List<HistoryEvent> history(String id) {
        return histories.getOrDefault(id, List.of());
    }

    private void store(StepResult step) {
        String id = step.instanceId();
        if (step.historyDropped()) {
            histories.remove(id);
        }
        if (step.chunk() != null) {
            List<HistoryEvent> stored = histories.computeIfAbsent(id, k -> new ArrayList<>());
            assertEquals(stored.size(), step.chunk().firstSeq(), "a chunk continues the stored history");
            HistoryChunk chunk = StoreCodec.decodeHistory(StoreCodec.encodeHistory(step.chunk()));
            stored.addAll(chunk.events());
        }
        if (step.stateChanged()) {
            if (step.deleted()) {
                instances.remove(id);
            } else {
                instances.put(id, StoreCodec.decodeInstance(StoreCodec.encodeInstance(step.after())));
                assertEquals(history(id).size(), step.after().historySize(), "the record counts the stored history");
            }
        }
        for (Effect effect : step.effects()) {
            switch (effect) {
                case Effect.ArmTimer t -> timers.add(t.timer());
                case Effect.CancelTimer t -> timers.remove(t.timer());
                default -> {
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ reading effects

    static List<ActivityRequest> dispatched(StepResult step) {
        return step.effects().stream().filter(e -> e instanceof Effect.Dispatch)
                .map(e -> ((Effect.Dispatch) e).request()).toList();
    }

    static List<OrchestrationMessage> sent(StepResult step) {
        return step.effects().stream().filter(e -> e instanceof Effect.Send).map(e -> ((Effect.Send) e).message()).toList();
    }

    /** Status records published by the step (null elements: tombstones). */
    static List<InstanceStatus> published(StepResult step) {
        return step.effects().stream().filter(e -> e instanceof Effect.PublishStatus)
                .map(e -> ((Effect.PublishStatus) e).status()).toList();
    }

    static <T extends Effect> List<T> effects(StepResult step, Class<T> type) {
        return step.effects().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
