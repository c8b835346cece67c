package io.durablekafka.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;

/** {@link HubFixture} for tests in other packages. */
public final class HubFixtureAccess implements AutoCloseable {

    private final HubFixture hub;

    private HubFixtureAccess(HubFixture hub) {
        this.hub = hub;
    }

    public static HubFixtureAccess hub(String label) {
        return new HubFixtureAccess(new HubFixture(label));
    }

    public static String bootstrap() {
        return HubFixture.bootstrap();
    }

    public TopicNames topics() {
        return hub.topics;
    }

    public Admin admin() {
        return hub.admin;
    }

    public RecordMetadata produceInput(OrchestrationMessage message, boolean typeHeader) throws Exception {
        return hub.produceInput(message, typeHeader);
    }

    public void writeInstance(InstanceStatus status) throws Exception {
        hub.writeInstance(status);
    }

    public void tombstone(String id) throws Exception {
        hub.tombstone(id);
    }

    public static InstanceStatus status(StartOrchestration start, long inputOffset, RuntimeStatus rs) {
        return HubFixture.status(start, inputOffset, rs, (JsonNode) null, null);
    }

    @Override
    public void close() {
        hub.close();
    }
}
