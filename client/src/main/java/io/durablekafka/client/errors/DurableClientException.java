package io.durablekafka.client.errors;

/** Every failure of a client call: the gateway refused it ({@link GatewayException}) or could not be reached. */
public abstract class DurableClientException extends RuntimeException {

    protected DurableClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
