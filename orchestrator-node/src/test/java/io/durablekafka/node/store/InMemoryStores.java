package io.durablekafka.node.store;

import io.durablekafka.common.topics.TopicNames;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The node's state store in memory: Kafka Streams' in-memory key-value store, initialized without a topology. */
public final class InMemoryStores {

    private InMemoryStores() {
    }

    public static KeyValueStore<Bytes, byte[]> keyValueStore() {
        KeyValueStore<Bytes, byte[]> store = Stores.inMemoryKeyValueStore(TopicNames.NODE_STATE_STORE).get();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    public static NodeStore nodeStore() {
        return new NodeStore(keyValueStore());
    }
}
