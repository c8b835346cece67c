package io.durablekafka.node.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import java.time.Instant;

/**
 * Something orchestrator code asked for, in the order it asked. Each action has the task ID it was given and
 * corresponds to exactly one scheduling event in history, which is how replay checks determinism.
 */
sealed interface Action {

    int taskId();

    /** A short description for non-determinism messages, e.g. "activity 'SayHello'". */
    String describe();

    /** True when {@code recorded} is the history event this action produced when it was first taken. */
    boolean matches(HistoryEvent recorded);

    record ScheduleActivity(int taskId, String name, JsonNode input, String taskQueue) implements Action {
        public String describe() {
            return "activity '" + name + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.TaskScheduled s && s.taskId() == taskId && s.name().equals(name);
        }
    }

    record CreateTimer(int taskId, Instant fireAt) implements Action {
        public String describe() {
            return "timer";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.TimerCreated t && t.taskId() == taskId;
        }
    }

    record StartSubOrchestration(int taskId, String name, String instanceId, JsonNode input) implements Action {
        public String describe() {
            return "sub-orchestration '" + name + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.SubOrchestrationInstanceCreated s && s.taskId() == taskId
                    && s.name().equals(name);
        }
    }

    record SendEvent(int taskId, String instanceId, String name, JsonNode input) implements Action {
        public String describe() {
            return "event '" + name + "' to '" + instanceId + "'";
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof HistoryEvent.EventSent s && s.taskId() == taskId && s.name().equals(name)
                    && s.instanceId().equals(instanceId);
        }
    }

    /** Describes a recorded scheduling event the same way {@link #describe()} does, for error messages. */
    static String describe(HistoryEvent recorded) {
        return switch (recorded) {
            case HistoryEvent.TaskScheduled s -> "activity '" + s.name() + "'";
            case HistoryEvent.TimerCreated t -> "timer";
            case HistoryEvent.SubOrchestrationInstanceCreated s -> "sub-orchestration '" + s.name() + "'";
            case HistoryEvent.EventSent s -> "event '" + s.name() + "' to '" + s.instanceId() + "'";
            default -> recorded.getClass().getSimpleName();
        };
    }

    static boolean isScheduling(HistoryEvent e) {
        return e instanceof HistoryEvent.TaskScheduled || e instanceof HistoryEvent.TimerCreated
                || e instanceof HistoryEvent.SubOrchestrationInstanceCreated || e instanceof HistoryEvent.EventSent;
    }
}
