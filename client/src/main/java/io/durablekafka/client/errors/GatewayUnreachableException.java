package io.durablekafka.client.errors;

/**
 * The request got no HTTP answer (connection refused, reset, timed out). Whether a command sent this way took effect
 * is unknown: look at the instance before sending it again.
 */
public final class GatewayUnreachableException extends DurableClientException {

    public GatewayUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
