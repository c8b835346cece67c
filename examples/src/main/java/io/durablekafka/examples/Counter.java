package io.durablekafka.examples;

import io.durablekafka.sdk.TaskEntity;
import io.durablekafka.sdk.TaskEntityOperation;

/**
 * The classic durable entity: a number. Operations {@code add} (input: the amount), {@code reset}, {@code get}
 * (result: the value) and the implicit {@code delete}. Entity IDs look like {@code @counter@<key>}.
 */
public class Counter extends TaskEntity<Integer> {

    public void add(int amount) {
        state += amount;
    }

    public void reset() {
        state = 0;
    }

    public int get() {
        return state;
    }

    @Override
    protected Integer initializeState(TaskEntityOperation operation) {
        return 0;
    }
}
