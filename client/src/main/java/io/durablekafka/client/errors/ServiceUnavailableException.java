package io.durablekafka.client.errors;

/**
 * 503: Kafka cannot be reached, or the gateway's views cannot answer consistently in time. Nothing happened; the
 * request can be sent again after {@link #retryAfterSeconds()}.
 */
public final class ServiceUnavailableException extends GatewayException {

    private final Long retryAfterSeconds;

    public ServiceUnavailableException(String error, String message, Long retryAfterSeconds) {
        super(503, error, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The {@code Retry-After} header in seconds, or null without one. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
