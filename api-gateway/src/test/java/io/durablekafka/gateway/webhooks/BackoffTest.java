package io.durablekafka.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void theDefaultStartsAtASecondDoublesAndStopsAtTenMinutes() {
        Backoff b = WebhookOptions.DEFAULT_BACKOFF;
        assertEquals(Duration.ofSeconds(1), b.delayAfter(1));
        assertEquals(Duration.ofSeconds(2), b.delayAfter(2));
        assertEquals(Duration.ofSeconds(4), b.delayAfter(3));
        assertEquals(Duration.ofSeconds(512), b.delayAfter(10));
        assertEquals(Duration.ofMinutes(10), b.delayAfter(11));
        assertEquals(Duration.ofMinutes(10), b.delayAfter(10_000));
        assertEquals(Duration.ofHours(24), b.window());
    }

    @Test
    void retriesOnlyWithinTheWindowOfTheFirstAttempt() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1));
        assertEquals(Optional.of(T0.plusSeconds(2)), b.next(2, T0, T0));
        Instant late = T0.plus(Duration.ofMinutes(55));
        assertEquals(Optional.empty(), b.next(20, T0, late), "ten more minutes would end past the hour");
        assertTrue(b.next(20, T0, T0.plus(Duration.ofMinutes(49))).isPresent());
        assertEquals(Optional.empty(), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO)
                .next(1, T0, T0), "a zero window means one attempt");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(1)));
    }
}
