package io.durablekafka.deploy.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
    void theLaunchersGetTheNoOpWhenOffAndAnAutoconfiguredSdkWhenOn() {
        assertSame(OpenTelemetry.noop(), TracingSetup.fromEnvironment("node"));
        System.setProperty("otel.traces.exporter", "otlp");
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:4317");
        try {
            OpenTelemetry on = TracingSetup.fromEnvironment("node");
            assertInstanceOf(OpenTelemetrySdk.class, on);
            ((OpenTelemetrySdk) on).close();
        } finally {
            System.clearProperty("otel.traces.exporter");
            System.clearProperty("otel.exporter.otlp.endpoint");
        }
    }

    @Test
    void disabledWins() {
        assertFalse(requested(Map.of("otel.sdk.disabled", "true", "otel.traces.exporter", "otlp")));
    }
}
