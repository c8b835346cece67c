package io.durablekafka.node.entities;

import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.node.timers.DueTimeIndex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Signals with a future {@code scheduledTime}, indexed by due time like the timer store (key suffix
 * {@code utf8(entityId) 0x00 inputOffset(8)}), taken by the punctuator with a range scan.
 */
public final class ScheduledSignalStore {

    public static final String NAME = "entity-schedule";

    private final DueTimeIndex<DueSignal> index;

    public ScheduledSignalStore(KeyValueStore<Bytes, byte[]> store) {
        this.index = new DueTimeIndex<>(store, DueSignal.class);
    }

    /** A signal that came due, with the offset of the input record that brought it. */
    public record DueSignal(long offset, SignalEntity signal) {
    }

    public void schedule(SignalEntity signal, long offset) {
        byte[] id = signal.instanceId().getBytes(StandardCharsets.UTF_8);
        index.put(signal.scheduledTime(), ByteBuffer.allocate(id.length + 9).put(id).put((byte) 0).putLong(offset).array(),
                new DueSignal(offset, signal));
    }

    /** Removes and returns up to {@code max} signals due at or before {@code now}, earliest first. */
    public List<DueSignal> takeDue(Instant now, int max) {
        return index.takeDue(now, max);
    }
}
