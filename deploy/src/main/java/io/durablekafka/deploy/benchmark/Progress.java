package io.durablekafka.deploy.benchmark;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A line every few seconds while a long phase runs, e.g. {@code   250,000 / 1,000,000 running (9,800/s)}, the
 * rate over the last interval. Printed from a daemon thread so the phase's own loop stays as it is.
 */
final class Progress implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Phases where nothing moves for this long are taken as stuck. */
    static final Duration STALL_LIMIT = Duration.ofMinutes(2);

    private final Thread thread;

    private Progress(String noun, long total, LongSupplier done, Duration firstAfter) {
        thread = Thread.ofPlatform().daemon().name("benchmark-progress").start(() -> {
            try {
                long lastDone = read(done, 0);
                long lastAt = System.nanoTime();
                Thread.sleep(firstAfter);
                while (true) {
                    long now = System.nanoTime();
                    long d = read(done, lastDone);
                    double rate = (d - lastDone) / ((now - lastAt) / 1e9);
                    System.out.printf("  %,d / %,d %s (%,.0f/s)%n", d, total, noun, rate);
                    lastDone = d;
                    lastAt = now;
                    Thread.sleep(INTERVAL);
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    /** A probe that fails (e.g. an HTTP read) counts as no change rather than ending the progress lines. */
    private static long read(LongSupplier done, long fallback) {
        try {
            return done.getAsLong();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Starts printing after {@code firstAfter}, then every {@link #INTERVAL}, until closed. */
    static Progress start(String noun, long total, LongSupplier done, Duration firstAfter) {
        return new Progress(noun, total, done, firstAfter);
    }

    /**
     * Waits until {@code done} reaches {@code total}, printing progress; fails when it has not moved for
     * {@link #STALL_LIMIT}.
     */
    static void await(String noun, long total, LongSupplier done) throws InterruptedException {
        try (Progress ignored = start(noun, total, done, INTERVAL)) {
            long last = -1;
            long movedAt = System.nanoTime();
            while (true) {
                long d = done.getAsLong();
                if (d >= total) {
                    return;
                }
                if (d != last) {
                    last = d;
                    movedAt = System.nanoTime();
                } else if (System.nanoTime() - movedAt > STALL_LIMIT.toNanos()) {
                    throw new IllegalStateException(String.format("no progress for %d s: %,d / %,d %s",
                            STALL_LIMIT.toSeconds(), d, total, noun));
                }
                Thread.sleep(2);
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
