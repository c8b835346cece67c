package io.durablekafka.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.durablekafka.common.config.Settings;
import io.durablekafka.sdk.FunctionRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's failover settings reach Kafka Streams, and {@code dk.kafka.*} still overrides them (docs/failover.md). */
class NodeFailoverConfigTest {

    @TempDir
    Path stateDir;

    private Properties streamsConfig(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put(Settings.BOOTSTRAP_SERVERS, "localhost:1");
        all.put(NodeOptions.STATE_DIR, stateDir.toString());
        FunctionRegistry registry = FunctionRegistry.builder().build();
        return new OrchestratorNode(NodeOptions.fromSettings(Settings.of(all), registry), registry).streamsConfig();
    }

    @Test
    void oneStandbyAndATenSecondSessionByDefault() {
        Properties p = streamsConfig(Map.of());
        assertEquals(1, p.get("num.standby.replicas"));
        assertEquals(10_000, p.get("session.timeout.ms"));
        assertEquals(3_000, p.get("heartbeat.interval.ms"));
    }

    @Test
    void nodeSettingsChangeThemAndHeartbeatsStayAtAThirdOfTheSession() {
        Properties p = streamsConfig(Map.of(NodeOptions.STANDBY_REPLICAS, "2", NodeOptions.SESSION_TIMEOUT_MS, "6000"));
        assertEquals(2, p.get("num.standby.replicas"));
        assertEquals(6_000, p.get("session.timeout.ms"));
        assertEquals(2_000, p.get("heartbeat.interval.ms"));
    }

    @Test
    void kafkaClientPropertiesWin() {
        Properties p = streamsConfig(Map.of("dk.kafka.session.timeout.ms", "45000", "dk.kafka.num.standby.replicas", "0"));
        assertEquals("45000", p.get("session.timeout.ms"));
        assertEquals("0", p.get("num.standby.replicas"));
    }
}
