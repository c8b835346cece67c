package io.durablekafka.deploy.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns tracing on from the standard OpenTelemetry environment, or leaves it off at no cost (no SDK, the no-op API).
 * The rule: on when {@code OTEL_SDK_DISABLED} is {@code false}, or when {@code OTEL_TRACES_EXPORTER} (other than
 * {@code none}), {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set; off when
 * {@code OTEL_SDK_DISABLED} is {@code true} or none of them is set. System properties ({@code otel.sdk.disabled},
 * ...) count as the environment does. Once on, the SDK is the autoconfigured one: every other {@code OTEL_*}
 * variable applies (sampler, resource, headers, protocol); metrics and logs exporters default to {@code none}, since
 * metrics are Prometheus' here.
 */
public final class TracingSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TracingSetup.class);

    private TracingSetup() {
    }

    /**
     * The OpenTelemetry of a process running {@code role} (service name {@code durable-kafka-<role>} unless
     * {@code OTEL_SERVICE_NAME} says otherwise): an SDK, closed with the process's {@code Observability}, or the no-op.
     */
    public static OpenTelemetry fromEnvironment(String role) {
        if (!requested(TracingSetup::setting)) {
            return OpenTelemetry.noop();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "durable-kafka-" + role,
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        LOG.info("tracing on: spans of {} exported as OTEL_* configure", role);
        return sdk;
    }

    /**
     * Whether the settings ask for tracing (see the class comment).
     *
     * @param setting a setting by its property name ({@code otel.sdk.disabled}); null when unset
     */
    static boolean requested(Function<String, String> setting) {
        String disabled = setting.apply("otel.sdk.disabled");
        if (disabled != null && disabled.strip().equalsIgnoreCase("true")) {
            return false;
        }
        if (disabled != null && disabled.strip().equalsIgnoreCase("false")) {
            return true;
        }
        String exporter = setting.apply("otel.traces.exporter");
        if (exporter != null && !exporter.isBlank() && !exporter.strip().equalsIgnoreCase("none")) {
            return true;
        }
        return notBlank(setting.apply("otel.exporter.otlp.endpoint"))
                || notBlank(setting.apply("otel.exporter.otlp.traces.endpoint"));
    }

    /** A system property, else its environment variable ({@code otel.sdk.disabled}: {@code OTEL_SDK_DISABLED}). */
    private static String setting(String property) {
        String value = System.getProperty(property);
        return value != null ? value
                : System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
