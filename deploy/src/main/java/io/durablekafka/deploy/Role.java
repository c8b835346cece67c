package io.durablekafka.deploy;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.observability.ManagementServer;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.deploy.tracing.TracingSetup;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.node.OrchestratorNode;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.worker.ActivityWorker;
import io.durablekafka.worker.WorkerOptions;

/**
 * One role running alone in its process ({@code durable-kafka gateway|node|worker}), with the process's metrics
 * and probes: the gateway serves them on its own port; node and worker, which have no HTTP API, on a management
 * server ({@value NodeOptions#MANAGEMENT_PORT}, {@value WorkerOptions#MANAGEMENT_PORT}).
 */
public final class Role implements AutoCloseable {

    private final String name;
    private final Observability observability;
    private final AutoCloseable running;
    private final ManagementServer management;
    /** The gateway's relay of SDK work items (null: none), closed after the gateway. */
    private final AutoCloseable sdkRelay;

    private Role(String name, Observability observability, AutoCloseable running, ManagementServer management,
                 AutoCloseable sdkRelay) {
        this.sdkRelay = sdkRelay;
        this.name = name;
        this.observability = observability;
        this.running = running;
        this.management = management;
    }

    /** Starts {@code role} ({@code gateway}, {@code node} or {@code worker}); the node does not wait for partitions. */
    public static Role start(String role, Settings settings, FunctionRegistry registry) {
        Observability observability = Observability.forProcess(TracingSetup.fromEnvironment(role));
        AutoCloseable running = null;
        ManagementServer management = null;
        io.durablekafka.gateway.sidecar.workitems.HubWorkItems sdkRelay = null;
        try {
            switch (role) {
                case "node" -> {
                    OrchestratorNode node = new OrchestratorNode(NodeOptions.fromSettings(settings, registry), registry,
                            observability);
                    // Served before the node starts, so that /readyz says "not yet" while it joins and restores.
                    management = serve(observability, settings, NodeOptions.MANAGEMENT_PORT,
                            NodeOptions.DEFAULT_MANAGEMENT_PORT);
                    running = node.start();
                }
                case "worker" -> {
                    ActivityWorker worker = new ActivityWorker(WorkerOptions.fromSettings(settings, registry), registry,
                            observability);
                    management = serve(observability, settings, WorkerOptions.MANAGEMENT_PORT,
                            WorkerOptions.DEFAULT_MANAGEMENT_PORT);
                    worker.start();
                    running = worker;
                }
                case "gateway" -> {
                    GatewayOptions options = GatewayOptions.fromSettings(settings, registry.orchestrationNames(),
                            registry.entityNames());
                    GatewayAccess.check(options, settings, false);
                    SidecarOptions sidecar = SidecarOptions.fromSettings(settings);
                    if (Boolean.parseBoolean(settings.find(NodeOptions.SDK_WORKERS).orElse("false"))) {
                        // The hub's SDK workers: any orchestration or entity name, work items relayed (docs/sdk-workers.md).
                        options = options.withKnownOrchestrations(java.util.Set.of())
                                .withKnownEntities(java.util.Set.of());
                        sdkRelay = io.durablekafka.gateway.sidecar.workitems.HubWorkItems.forGateway(options);
                        sidecar = sidecar.withWorkItems(sdkRelay);
                    }
                    running = new Gateway(options, observability,
                            WebhookOptions.fromSettings(settings, options.taskHubs()))
                            .withSidecar(sidecar).start();
                }
                default -> throw new IllegalArgumentException("unknown role '" + role + "'");
            }
            return new Role(role, observability, running, management, sdkRelay);
        } catch (RuntimeException | Error e) {
            Closeables.closeQuietly(running);
            Closeables.closeQuietly(sdkRelay);
            Closeables.closeQuietly(management);
            observability.close();
            throw e;
        }
    }

    /**
     * The management server on the role's port setting (absent the default, 0 any free port, negative none), on the
     * addresses of {@value BindHost#SETTING} (default: every interface).
     */
    private static ManagementServer serve(Observability observability, Settings settings, String key,
                                          int defaultPort) {
        int port = settings.getInt(key, defaultPort);
        return port < 0 ? null : ManagementServer.start(observability, BindHost.fromSettings(settings, BindHost.any()), port);
    }

    public String name() {
        return name;
    }

    /** The running role: an {@link OrchestratorNode}, {@link ActivityWorker} or {@link Gateway}. */
    public AutoCloseable running() {
        return running;
    }

    /** The management server's port, or -1 when the role has none (the gateway, or turned off). */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** Where the process's /metrics, /healthz and /readyz are, or null when nowhere. */
    public String managementUrl() {
        if (running instanceof Gateway g) {
            return "http://localhost:" + g.port();
        }
        return management == null ? null : "http://localhost:" + management.port();
    }

    @Override
    public void close() {
        Closeables.closeQuietly(running);
        Closeables.closeQuietly(sdkRelay);
        Closeables.closeQuietly(management);
        observability.close();
    }
}
