package io.durablekafka.node.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A wall-clock punctuation that runs once, when asked for, instead of a periodic one. Kafka Streams commits a task's
 * transaction after every punctuation, so periodic punctuations would make an idle node commit empty transactions
 * (and keep the broker busy) all the time; with wake-ups an idle node does nothing.
 */
final class Wakeup {

    private final ProcessorContext<?, ?> context;
    private final Runnable action;
    private Cancellable scheduled;
    private long atMillis = Long.MAX_VALUE;

    Wakeup(ProcessorContext<?, ?> context, Runnable action) {
        this.context = context;
        this.action = action;
    }

    /** Runs the action at {@code millis} (wall clock) or soon after, unless it is due to run sooner already. */
    void at(long millis, long nowMillis) {
        if (scheduled != null && atMillis <= millis) {
            return;
        }
        cancel();
        atMillis = millis;
        scheduled = context.schedule(Duration.ofMillis(Math.max(1, millis - nowMillis)), PunctuationType.WALL_CLOCK_TIME,
                ts -> {
                    cancel();
                    action.run();
                });
    }

    void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
            scheduled = null;
        }
        atMillis = Long.MAX_VALUE;
    }
}
