package io.durablekafka.deploy.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSetupTest {

    private static boolean requested(Map<String, String> settings) {
        return TracingSetup.requested(settings::get);
    }

    @Test
    void offUnlessTheEnvironmentAsksForIt() {
        assertFalse(requested(Map.of()));
        assertFalse(requested(Map.of("otel.traces.exporter", "none")));
        assertFalse(requested(Map.of("otel.service.name", "x")));
    }

    @Test
    void onWithAnExporterAnEndpointOrTheSdkExplicitlyEnabled() {
        assertTrue(requested(Map.of("otel.traces.exporter", "otlp")));
        assertTrue(requested(Map.of("otel.exporter.otlp.endpoint", "http://localhost:4317")));
        assertTrue(requested(Map.of("otel.exporter.otlp.traces.endpoint", "http://localhost:4318/v1/traces")));
        assertTrue(requested(Map.of("otel.sdk.disabled", "false")));
    }

    @Test
    void disabledWins() {
        assertFalse(requested(Map.of("otel.sdk.disabled", "true", "otel.traces.exporter", "otlp")));
    }
}
