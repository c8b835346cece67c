package io.durablekafka.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.durablekafka.sdk.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delaysGrowByTheBackoffCoefficientUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1)).setBackoffCoefficient(2)
                .setMaxRetryInterval(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(1), policy.delayAfter(1));
        assertEquals(Duration.ofSeconds(2), policy.delayAfter(2));
        assertEquals(Duration.ofSeconds(4), policy.delayAfter(3));
        assertEquals(Duration.ofSeconds(5), policy.delayAfter(4));
    }

    @Test
    void invalidPoliciesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ofSeconds(1)).setBackoffCoefficient(0.5));
    }
}
