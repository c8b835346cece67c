package io.durablekafka.worker;

/** A task-queue record that is not an {@link io.durablekafka.common.messages.ActivityRequest} this worker can run. */
public final class UnreadableRecordException extends Exception {

    public UnreadableRecordException(String reason) {
        super(reason);
    }
}
