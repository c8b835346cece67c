package io.durablekafka.sdk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The orchestrations, activities (with their task queues) and entities a process knows, by name. Immutable once
 * built. Entity names are case-insensitive, as in Durable Functions.
 */
public final class FunctionRegistry {

    private final Map<String, TaskOrchestration> orchestrations;
    private final Map<String, TaskActivity> activities;
    private final Map<String, String> activityQueues;
    private final Map<String, TaskEntityFactory> entities;

    private FunctionRegistry(Builder b) {
        this.orchestrations = Collections.unmodifiableMap(new LinkedHashMap<>(b.orchestrations));
        this.activities = Collections.unmodifiableMap(new LinkedHashMap<>(b.activities));
        this.activityQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.activityQueues));
        this.entities = Collections.unmodifiableMap(new LinkedHashMap<>(b.entities));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A registry with every {@link FunctionProvider} on the class path. */
    public static FunctionRegistry discover() {
        return builder().discover().build();
    }

    public Optional<TaskOrchestration> orchestration(String name) {
        return Optional.ofNullable(orchestrations.get(name));
    }

    public Optional<TaskActivity> activity(String name) {
        return Optional.ofNullable(activities.get(name));
    }

    /** The factory of entity {@code name}, matched case-insensitively. */
    public Optional<TaskEntityFactory> entity(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(entities.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Registered entity names, in lower case (as they appear in entity IDs). */
    public Set<String> entityNames() {
        return entities.keySet();
    }

    public Set<String> orchestrationNames() {
        return orchestrations.keySet();
    }

    public Set<String> activityNames() {
        return activities.keySet();
    }

    /** The task queue activity {@code name} is served on ("default" unless registered otherwise). */
    public String taskQueueOf(String activityName) {
        return activityQueues.getOrDefault(activityName, io.durablekafka.common.topics.TopicNames.DEFAULT_TASK_QUEUE);
    }

    /** The task queues some registered activity is served on: what a worker with this registry consumes. */
    public Set<String> servedTaskQueues() {
        return activityQueues.isEmpty()
                ? Set.of(io.durablekafka.common.topics.TopicNames.DEFAULT_TASK_QUEUE)
                : new java.util.TreeSet<>(activityQueues.values());
    }

    /** Every task queue some registered activity is served on, "default" included: what a node provisions. */
    public Set<String> taskQueues() {
        var queues = new java.util.TreeSet<>(activityQueues.values());
        queues.add(io.durablekafka.common.topics.TopicNames.DEFAULT_TASK_QUEUE);
        return queues;
    }

    public static final class Builder {
        private final Map<String, TaskOrchestration> orchestrations = new LinkedHashMap<>();
        private final Map<String, TaskActivity> activities = new LinkedHashMap<>();
        private final Map<String, String> activityQueues = new LinkedHashMap<>();
        private final Map<String, TaskEntityFactory> entities = new LinkedHashMap<>();

        public Builder addOrchestration(String name, TaskOrchestration orchestration) {
            requireName(name);
            if (orchestrations.putIfAbsent(name, orchestration) != null) {
                throw new IllegalArgumentException("orchestration '" + name + "' is registered twice");
            }
            return this;
        }

        public Builder addActivity(String name, TaskActivity activity) {
            return addActivity(name, io.durablekafka.common.topics.TopicNames.DEFAULT_TASK_QUEUE, activity);
        }

        /** Registers an activity served on its own task queue (a topic of its own, for its own workers). */
        public Builder addActivity(String name, String taskQueue, TaskActivity activity) {
            requireName(name);
            if (!io.durablekafka.common.topics.TopicNames.isValidTaskQueue(taskQueue)) {
                throw new IllegalArgumentException("task queue '" + taskQueue + "' is not valid");
            }
            if (activities.putIfAbsent(name, activity) != null) {
                throw new IllegalArgumentException("activity '" + name + "' is registered twice");
            }
            activityQueues.put(name, taskQueue);
            return this;
        }

        /**
         * Registers entity {@code name} (case-insensitive, no '@'); {@code factory} makes the object that runs its
         * operations, e.g. {@code addEntity("Counter", Counter::new)} for a {@link TaskEntity} subclass.
         */
        public Builder addEntity(String name, TaskEntityFactory factory) {
            requireName(name);
            if (name.indexOf('@') >= 0) {
                throw new IllegalArgumentException("entity name '" + name + "' must not contain '@'");
            }
            java.util.Objects.requireNonNull(factory, "entity factory");
            if (entities.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), factory) != null) {
                throw new IllegalArgumentException("entity '" + name + "' is registered twice (names ignore case)");
            }
            return this;
        }

        public Builder discover() {
            for (FunctionProvider provider : ServiceLoader.load(FunctionProvider.class)) {
                provider.register(this);
            }
            return this;
        }

        public FunctionRegistry build() {
            return new FunctionRegistry(this);
        }

        private static void requireName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("function name must not be empty");
            }
        }
    }
}
