package io.durablekafka.node.timers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/** Durable timers by due time (key suffix {@code utf8(id) 0x00 timerId(4)}): firing them is a range scan. */
public final class TimerStore {

    public static final String NAME = "timers";

    private final DueTimeIndex<DueTimer> index;

    public TimerStore(KeyValueStore<Bytes, byte[]> store) {
        this.index = new DueTimeIndex<>(store, DueTimer.class);
    }

    public record DueTimer(String instanceId, int timerId, Instant fireAt) {
    }

    public void schedule(String instanceId, int timerId, Instant fireAt) {
        index.put(fireAt, suffix(instanceId, timerId), new DueTimer(instanceId, timerId, fireAt));
    }

    public void cancel(String instanceId, int timerId, Instant fireAt) {
        index.delete(fireAt, suffix(instanceId, timerId));
    }

    /** Removes and returns up to {@code max} timers due at or before {@code now}, earliest first. */
    public List<DueTimer> takeDue(Instant now, int max) {
        return index.takeDue(now, max);
    }

    private static byte[] suffix(String instanceId, int timerId) {
        byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(id.length + 5).put(id).put((byte) 0).putInt(timerId).array();
    }
}
