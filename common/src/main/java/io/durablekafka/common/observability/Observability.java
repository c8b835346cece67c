package io.durablekafka.common.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The metrics registry and health probes of one process. Every role in the process (all of them in
 * {@code local-cluster}) registers into the same instance, so one scrape covers them all and no meter exists twice;
 * whoever serves HTTP in the process exposes it (the gateway's port, or a {@link ManagementServer}).
 */
public final class Observability implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final HealthChecks health = new HealthChecks();
    private final JvmGcMetrics gcMetrics;
    private final OpenTelemetry openTelemetry;

    private Observability(boolean jvmMetrics, OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (jvmMetrics) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
        } else {
            gcMetrics = null;
        }
    }

    /** For a process that serves its metrics: with the JVM's own (memory, GC, threads, CPU). */
    public static Observability forProcess() {
        return forProcess(OpenTelemetry.noop());
    }

    /**
     * As {@link #forProcess()}, with the process's OpenTelemetry (an SDK when tracing is on), which it owns: closing
     * this closes it (flushing spans not exported yet).
     */
    public static Observability forProcess(OpenTelemetry openTelemetry) {
        return new Observability(true, openTelemetry);
    }

    /**
     * For a role used as a library (tests, embedding) that nobody scrapes: its meters still work, but the JVM
     * binders (GC listeners) are left out.
     */
    public static Observability detached() {
        return detached(OpenTelemetry.noop());
    }

    /** As {@link #detached()}, with an OpenTelemetry it owns (tests hand the roles an SDK this way). */
    public static Observability detached(OpenTelemetry openTelemetry) {
        return new Observability(false, openTelemetry);
    }

    /**
     * Where the roles get their tracers: {@link OpenTelemetry#noop()} unless tracing was turned on, in which case
     * roles make spans; off, they only carry the trace headers along.
     */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Whether spans are made at all: false for the no-op, so that roles skip span work entirely. */
    public boolean tracingEnabled() {
        return openTelemetry != OpenTelemetry.noop();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public HealthChecks health() {
        return health;
    }

    /** The Prometheus text exposition (format 0.0.4) of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        registry.close();
        if (openTelemetry instanceof AutoCloseable sdk) {
            try {
                sdk.close();
            } catch (Exception e) {
                // Spans not exported at exit are lost; nothing else depends on them.
            }
        }
    }
}
