package io.durablekafka.gateway.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a failed callback is tried again: after {@code initial}, doubling with each attempt up to {@code max}, for as
 * long as the next attempt falls within {@code window} of the first.
 */
public record Backoff(Duration initial, Duration max, Duration window) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || window.isNegative()) {
            throw new IllegalArgumentException("webhook backoff: need 0 < initial <= max and window >= 0, not "
                    + initial + ", " + max + ", " + window);
        }
    }

    /** The wait after failed attempt {@code attempt} (from 1): initial × 2^(attempt-1), at most {@code max}. */
    public Duration delayAfter(int attempt) {
        int doublings = Math.max(0, attempt - 1);
        // Beyond 2^40 × initial every realistic cap is reached; stopping there keeps the multiplication in range.
        if (doublings >= 40) {
            return max;
        }
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** When to try again after failed attempt {@code attempt} at {@code now}; empty when that is past the window. */
    public Optional<Instant> next(int attempt, Instant firstTime, Instant now) {
        Instant due = now.plus(delayAfter(attempt));
        return due.isAfter(firstTime.plus(window)) ? Optional.empty() : Optional.of(due);
    }
}
