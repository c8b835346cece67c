package io.durablekafka.client;

import io.durablekafka.client.errors.NotFoundException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Waits for an instance to start or to end without a tight loop.
 *
 * <p>For the end it long-polls: {@code GET .../instances/{id}?timeoutSeconds=N} answers 200 the moment the
 * instance is terminal, or 202 with the current status once N seconds passed (N capped by the gateway, 60 by
 * default), so one request covers up to a minute of waiting and the answer comes as soon as the instance ends.
 *
 * <p>A gateway from before the long-poll ignores {@code timeoutSeconds} and answers at once. An answer that came
 * back well before the wait asked for tells the client so, and it then pauses between requests, 50 ms at first,
 * twice as long each time up to a second: gentle on such a gateway, and still quick for short instances.
 *
 * <p>For the start it polls with the same growing pause: the long-poll wakes only when an instance ends, not when it
 * leaves Pending, and a node picks a start up within milliseconds, so holding a request open would only delay the
 * answer.
 */
final class InstanceWaiter {

    /** The longest wait one long-poll asks for: the gateway's default cap. */
    static final int MAX_POLL_SECONDS = 60;
    static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    /** A 202 faster than this to a long-poll of a second or more means the gateway did not hold the request. */
    private static final long NOT_HELD_NANOS = Duration.ofMillis(900).toNanos();

    private final StatusReader reader;

    /** One status read, with an optional long-poll wait in seconds (null: answer at once). */
    @FunctionalInterface
    interface StatusReader {
        OrchestrationMetadata read(String instanceId, boolean getInputsAndOutputs, Integer timeoutSeconds);
    }

    InstanceWaiter(StatusReader reader) {
        this.reader = reader;
    }

    OrchestrationMetadata awaitCompletion(String instanceId, Duration timeout, boolean getInputsAndOutputs)
            throws TimeoutException {
        long deadline = deadline(timeout);
        Duration pause = FIRST_PAUSE;
        while (true) {
            int pollSeconds = (int) Math.min(MAX_POLL_SECONDS, remainingNanos(deadline) / 1_000_000_000L);
            long sentAt = System.nanoTime();
            OrchestrationMetadata m = reader.read(instanceId, getInputsAndOutputs, pollSeconds > 0 ? pollSeconds : null);
            if (m.isCompleted()) {
                return m;
            }
            if (remainingNanos(deadline) <= 0) {
                throw timedOut(instanceId, "complete", timeout, m);
            }
            boolean held = pollSeconds > 0 && System.nanoTime() - sentAt >= NOT_HELD_NANOS;
            if (held) {
                pause = FIRST_PAUSE;
            } else {
                // An older gateway (or the last fraction of a second, too short for a long-poll): pause instead.
                sleep(pause, deadline);
                pause = grow(pause);
            }
        }
    }

    /** Until the instance is no longer Pending (it may be Running, Suspended or already ended). */
    OrchestrationMetadata awaitStart(String instanceId, Duration timeout, boolean getInputsAndOutputs)
            throws TimeoutException {
        return awaitStatus(instanceId, timeout, getInputsAndOutputs, "start",
                m -> m.runtimeStatus() != io.durablekafka.common.status.RuntimeStatus.Pending);
    }

    private OrchestrationMetadata awaitStatus(String instanceId, Duration timeout, boolean getInputsAndOutputs,
                                              String what, Predicate<OrchestrationMetadata> done)
            throws TimeoutException {
        long deadline = deadline(timeout);
        Duration pause = FIRST_PAUSE;
        while (true) {
            OrchestrationMetadata m = null;
            try {
                m = reader.read(instanceId, getInputsAndOutputs, null);
                if (done.test(m)) {
                    return m;
                }
            } catch (NotFoundException e) {
                // Not created yet (a sub-orchestration its parent has yet to start, say): keep waiting for it.
                if (!e.isInstanceNotFound()) {
                    throw e;
                }
            }
            if (remainingNanos(deadline) <= 0) {
                throw timedOut(instanceId, what, timeout, m);
            }
            sleep(pause, deadline);
            pause = grow(pause);
        }
    }

    private static long deadline(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
        }
        // Saturate: Duration.ofDays(365 * 1000) must not overflow into the past.
        long nanos = timeout.compareTo(Duration.ofDays(100 * 365)) > 0 ? Long.MAX_VALUE / 4 : timeout.toNanos();
        return System.nanoTime() + nanos;
    }

    private static long remainingNanos(long deadline) {
        return deadline - System.nanoTime();
    }

    private static Duration grow(Duration pause) {
        Duration next = pause.multipliedBy(2);
        return next.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : next;
    }

    private static void sleep(Duration pause, long deadline) {
        long nanos = Math.min(pause.toNanos(), Math.max(0, remainingNanos(deadline)));
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        }
    }

    private static TimeoutException timedOut(String instanceId, String what, Duration timeout, OrchestrationMetadata last) {
        return new TimeoutException("instance '" + instanceId + "' did not " + what + " within " + timeout
                + (last == null ? " (not found)" : "; last status " + last.runtimeStatus()));
    }
}
