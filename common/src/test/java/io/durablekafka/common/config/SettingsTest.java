package io.durablekafka.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void kafkaClientPropertiesComeFromTheEnvironmentWithOptionsOverridingThem() {
        Settings settings = Settings.of(Map.of("dk.kafka.security.protocol", "SASL_SSL", "dk.task.hub", "H"));
        Properties p = settings.kafkaClientOverrides(Map.of(
                "DK_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "DK_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "DK_KAFKA_MODE", "embedded",
                "DK_TASK_HUB", "Other",
                "KAFKA_OPTS", "-Xmx1g"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required;", p.get("sasl.jaas.config"));
        assertEquals("SASL_SSL", p.get("security.protocol"), "an option wins over the environment");
        assertFalse(p.containsKey("mode"), "dk.kafka.mode picks the cluster, it is no client property");
        assertEquals(2, p.size(), p::toString);
    }

    @Test
    void aSettingsEnvironmentVariableIsItsKeyInUpperCaseWithUnderscores() {
        assertEquals("DK_NODE_STATE_DIR", Settings.environmentVariable("dk.node.state.dir"));
    }
}
