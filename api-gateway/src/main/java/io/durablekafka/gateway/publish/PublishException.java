package io.durablekafka.gateway.publish;

import org.apache.kafka.common.errors.RecordTooLargeException;

/** A command could not be written to Kafka (or its acknowledgement did not arrive in time). */
public final class PublishException extends Exception {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Kafka refused the record for its size: the request's payload is too large, not Kafka unavailable. */
    public boolean recordTooLarge() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
