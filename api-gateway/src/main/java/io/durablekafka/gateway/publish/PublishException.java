package io.durablekafka.gateway.publish;

/** A command could not be written to Kafka (or its acknowledgement did not arrive in time). */
public final class PublishException extends Exception {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
