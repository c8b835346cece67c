package io.durablekafka.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * Declarative retry of a failed activity or sub-orchestration, as in durabletask-java: attempt {@code n}
 * (from 1) waits {@code firstRetryInterval * backoffCoefficient^(n-1)}, capped by {@code maxRetryInterval},
 * before retrying, until {@code maxNumberOfAttempts} attempts were made or {@code retryTimeout} has passed
 * since the first attempt. The waits are durable timers, so retries survive restarts.
 */
public final class RetryPolicy {

    private final int maxNumberOfAttempts;
    private final Duration firstRetryInterval;
    private double backoffCoefficient = 1.0;
    private Duration maxRetryInterval;
    private Duration retryTimeout;

    public RetryPolicy(int maxNumberOfAttempts, Duration firstRetryInterval) {
        if (maxNumberOfAttempts < 1) {
            throw new IllegalArgumentException("maxNumberOfAttempts must be at least 1");
        }
        if (firstRetryInterval == null || firstRetryInterval.isNegative() || firstRetryInterval.isZero()) {
            throw new IllegalArgumentException("firstRetryInterval must be positive");
        }
        this.maxNumberOfAttempts = maxNumberOfAttempts;
        this.firstRetryInterval = firstRetryInterval;
    }

    public RetryPolicy setBackoffCoefficient(double backoffCoefficient) {
        if (backoffCoefficient < 1.0) {
            throw new IllegalArgumentException("backoffCoefficient must be at least 1.0");
        }
        this.backoffCoefficient = backoffCoefficient;
        return this;
    }

    public RetryPolicy setMaxRetryInterval(Duration maxRetryInterval) {
        this.maxRetryInterval = maxRetryInterval;
        return this;
    }

    public RetryPolicy setRetryTimeout(Duration retryTimeout) {
        this.retryTimeout = retryTimeout;
        return this;
    }

    public int getMaxNumberOfAttempts() {
        return maxNumberOfAttempts;
    }

    public Duration getFirstRetryInterval() {
        return firstRetryInterval;
    }

    public double getBackoffCoefficient() {
        return backoffCoefficient;
    }

    public Duration getMaxRetryInterval() {
        return maxRetryInterval;
    }

    public Duration getRetryTimeout() {
        return retryTimeout;
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} attempts failed. */
    public Duration delayAfter(int attempt) {
        double millis = firstRetryInterval.toMillis() * Math.pow(backoffCoefficient, attempt - 1);
        Duration delay = Duration.ofMillis((long) Math.min(millis, Long.MAX_VALUE / 2.0));
        if (maxRetryInterval != null && delay.compareTo(maxRetryInterval) > 0) {
            delay = maxRetryInterval;
        }
        return delay;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxNumberOfAttempts=" + maxNumberOfAttempts + ", firstRetryInterval=" + firstRetryInterval
                + ", backoffCoefficient=" + backoffCoefficient + ", maxRetryInterval=" + maxRetryInterval
                + ", retryTimeout=" + Objects.toString(retryTimeout) + "]";
    }
}
