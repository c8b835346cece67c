package io.durablekafka.sdk;

/** Creates the object that runs an entity's operations; called for each batch of operations of one entity. */
@FunctionalInterface
public interface TaskEntityFactory {
    ITaskEntity create();
}
