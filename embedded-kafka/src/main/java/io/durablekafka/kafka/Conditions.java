package io.durablekafka.kafka;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting on a condition with a deadline, for tests and launchers: the one polling loop of the project, so that
 * nothing waits a fixed time for an outcome.
 */
public final class Conditions {

    private static final Duration POLL = Duration.ofMillis(20);

    private Conditions() {
    }

    /** Polls {@code condition} until it holds; throws an AssertionError naming {@code what} after {@code deadline}. */
    public static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            pause();
        }
    }

    /** The interval between two looks at a condition. */
    public static void pause() {
        LockSupport.parkNanos(POLL.toNanos());
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting");
        }
    }
}
