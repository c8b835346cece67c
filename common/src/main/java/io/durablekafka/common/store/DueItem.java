package io.durablekafka.common.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.durablekafka.common.messages.SignalEntity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Something that falls due at a time: a durable timer or a scheduled entity signal (keys {@link StoreKeys#due}). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = DueItem.Timer.class, name = "timer"),
        @JsonSubTypes.Type(value = DueItem.ScheduledSignal.class, name = "signal"),
})
public sealed interface DueItem {

    Instant due();

    /** Its key in the due-time index. */
    byte[] key();

    /** Timer {@code timerId} of an instance (a task ID of its execution; -1: the scheduled start). */
    record Timer(String instanceId, int timerId, Instant fireAt) implements DueItem {
        public Instant due() {
            return fireAt;
        }

        public byte[] key() {
            byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
            return StoreKeys.due(fireAt, StoreKeys.DUE_TIMER,
                    ByteBuffer.allocate(id.length + 1 + Integer.BYTES).put(id).put((byte) 0).putInt(timerId).array());
        }
    }

    /** A signal with a future {@code scheduledTime}, with the offset of the input record that brought it. */
    record ScheduledSignal(long offset, SignalEntity signal) implements DueItem {
        public Instant due() {
            return signal.scheduledTime();
        }

        public byte[] key() {
            byte[] id = signal.instanceId().getBytes(StandardCharsets.UTF_8);
            return StoreKeys.due(signal.scheduledTime(), StoreKeys.DUE_SIGNAL,
                    ByteBuffer.allocate(id.length + 1 + Long.BYTES).put(id).put((byte) 0).putLong(offset).array());
        }
    }
}
