package io.durablekafka.deploy;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.deploy.tracing.TracingSetup;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.gateway.webhooks.WebhookSigner;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.node.OrchestratorNode;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.worker.ActivityWorker;
import io.durablekafka.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every role in one process against one Kafka: an orchestrator node, an activity worker and a gateway. The
 * Kafka is whatever {@code settings} name (dk.bootstrap.servers); see {@link Main} for the embedded broker.
 */
public final class LocalCluster implements AutoCloseable {

    private final OrchestratorNode node;
    private final ActivityWorker worker;
    private final Gateway gateway;
    private final Observability observability;

    private final AutoCloseable sdkWorkers;

    private LocalCluster(OrchestratorNode node, ActivityWorker worker, Gateway gateway, Observability observability,
                         AutoCloseable sdkWorkers) {
        this.sdkWorkers = sdkWorkers;
        this.node = node;
        this.worker = worker;
        this.gateway = gateway;
        this.observability = observability;
    }

    /**
     * Starts node, worker and gateway. With a {@code dataDir}, node state and gateway views live under it and
     * survive a restart; without, they live in temporary directories. The gateway listens on loopback unless
     * {@value BindHost#SETTING} says otherwise, and needs no key there ({@link GatewayAccess}).
     *
     * @throws IllegalStateException when the gateway would serve beyond loopback without a key and without
     *                               {@value GatewayOptions#ALLOW_ANONYMOUS}
     */
    public static LocalCluster start(Settings settings, FunctionRegistry registry, int port, Path dataDir) {
        GatewayOptions g = GatewayOptions.fromSettings(settings, registry.orchestrationNames(), registry.entityNames())
                .withPort(port).withBindHost(bindHost(settings));
        GatewayAccess.check(g, settings, true);
        if (settings.find(NodeOptions.STANDBY_REPLICAS).isEmpty()) {
            // One node: no other node could hold a standby, and Kafka Streams would warn of that at every rebalance.
            settings = settings.with(NodeOptions.STANDBY_REPLICAS, "0");
        }
        NodeOptions nodeOptions = NodeOptions.fromSettings(settings, registry);
        if (dataDir != null) {
            nodeOptions = nodeOptions.withStateDir(dataDir.resolve("node"));
        }
        // One registry and one set of probes for the three roles, served on the gateway's port.
        Observability observability = Observability.forProcess(TracingSetup.fromEnvironment("local-cluster"));
        OrchestratorNode node = null;
        ActivityWorker worker = null;
        Gateway gateway = null;
        io.durablekafka.gateway.sidecar.workitems.HubWorkItems sdkWorkers = null;
        try {
            node = new OrchestratorNode(nodeOptions, registry, observability).start();
            worker = new ActivityWorker(WorkerOptions.fromSettings(settings, registry), registry, observability);
            worker.start();
            if (nodeOptions.engine().sdkWorkers()) {
                // SDK workers bring orchestrations and entities of their own
                g = g.withKnownOrchestrations(java.util.Set.of()).withKnownEntities(java.util.Set.of());
            }
            gateway = new Gateway(dataDir == null ? g : g.withDataDir(dataDir.resolve("gateway")), observability,
                    webhookOptions(settings, g, dataDir));
            SidecarOptions sidecar = SidecarOptions.fromSettings(settings);
            if (port == 0 && settings.find(SidecarOptions.PORT).isEmpty()) {
                // A cluster on any free HTTP port (tests, the benchmark) must not hold the SDKs' well-known port.
                sidecar = sidecar.withPort(0);
            }
            if (nodeOptions.engine().sdkWorkers()) {
                // The same switch that makes the node hand unknown orchestrations to SDK workers relays them here.
                sdkWorkers = io.durablekafka.gateway.sidecar.workitems.HubWorkItems.forGateway(g);
                sidecar = sidecar.withWorkItems(sdkWorkers);
            }
            gateway.withSidecar(sidecar).start();
            node.awaitRunning(Duration.ofSeconds(60));
            return new LocalCluster(node, worker, gateway, observability, sdkWorkers);
        } catch (RuntimeException e) {
            Closeables.closeQuietly(gateway);
            Closeables.closeQuietly(sdkWorkers);
            Closeables.closeQuietly(worker);
            Closeables.closeQuietly(node);
            observability.close();
            throw e;
        }
    }

    /** Where a local cluster's listeners bind: {@value BindHost#SETTING}, else loopback. */
    static BindHost bindHost(Settings settings) {
        return BindHost.fromSettings(settings, BindHost.loopback());
    }

    /**
     * Completion callbacks of a local cluster: private targets allowed (receivers on this machine) unless
     * {@code dk.webhooks.allow.private} says otherwise, and the configured secret or one generated once and kept in
     * {@code <dataDir>/webhook-secret}, so that receivers keep verifying across restarts.
     */
    static WebhookOptions webhookOptions(Settings settings, GatewayOptions gateway, Path dataDir) {
        WebhookOptions w = WebhookOptions.fromSettings(settings, gateway.taskHubs());
        if (settings.find(WebhookOptions.ALLOW_PRIVATE).isEmpty()) {
            w = w.withAllowPrivate(true);
        }
        if (w.secret() == null) {
            w = w.withSecret(dataDir == null ? WebhookSigner.generateSecret() : storedSecret(dataDir.resolve("webhook-secret")));
        }
        return w;
    }

    static String storedSecret(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            String secret = WebhookSigner.generateSecret();
            Files.createDirectories(file.getParent());
            Files.writeString(file, secret + "\n");
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the webhook secret " + file, e);
        }
    }

    /** The secret completion callbacks of the default hub are signed with. */
    public String webhookSecret() {
        return gateway.webhookOptions().secretFor(gateway.options().topics().taskHub());
    }

    public String baseUrl() {
        return gateway.baseUrl();
    }

    /** The port of the Durable Task SDKs' gRPC endpoint, -1 when none is served. */
    public int grpcPort() {
        return gateway.grpcPort();
    }

    public Gateway gateway() {
        return gateway;
    }

    public OrchestratorNode node() {
        return node;
    }

    @Override
    public void close() {
        Closeables.closeQuietly(gateway);
        Closeables.closeQuietly(sdkWorkers);
        Closeables.closeQuietly(worker);
        Closeables.closeQuietly(node);
        observability.close();
    }
}
