package io.durablekafka.gateway;

import io.durablekafka.common.observability.HealthChecks;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.gateway.tracing.GatewayTracing;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.api.ApiRoutes;
import io.durablekafka.gateway.api.EntityApi;
import io.durablekafka.gateway.api.EventStreamApi;
import io.durablekafka.gateway.api.HttpApi;
import io.durablekafka.gateway.api.HubServices;
import io.durablekafka.gateway.api.Hubs;
import io.durablekafka.gateway.api.InstanceApi;
import io.durablekafka.gateway.api.OpenApi;
import io.durablekafka.gateway.api.RegistryApi;
import io.durablekafka.gateway.dashboard.DashboardFiles;
import io.durablekafka.gateway.observability.GatewayEndpoints;
import io.durablekafka.gateway.api.WebhookApi;
import io.durablekafka.gateway.mcp.McpEndpoint;
import io.durablekafka.gateway.publish.CommandPublisher;
import io.durablekafka.gateway.push.EventStreams;
import io.durablekafka.gateway.sidecar.SidecarCalls;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.SidecarServer;
import io.durablekafka.gateway.sidecar.SidecarService;
import io.durablekafka.gateway.views.ReadViews;
import io.durablekafka.gateway.webhooks.WebhookDeliverer;
import io.durablekafka.gateway.webhooks.WebhookMetrics;
import io.durablekafka.gateway.webhooks.WebhookOptions;
import io.durablekafka.gateway.webhooks.WebhookOutcomeView;
import io.durablekafka.gateway.webhooks.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Durable Functions HTTP management API for one or more task hubs (requests pick one with
 * {@code taskHub}). Stateless apart from its read views: writes are records on each hub's
 * {@code orchestrations}, reads come from a local RocksDB view of the nodes' state changelog (plus the starts
 * not processed yet), so any number of gateways can serve the same hubs.
 *
 * <pre>{@code
 * try (Gateway gateway = new Gateway(GatewayOptions.of(bootstrap, new TopicNames("MyHub"))).start()) {
 *     ... gateway.baseUrl() ...
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long {@link #start()} waits for Kafka, and for the views to make progress while they catch up. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final GatewayOptions options;
    private final Observability observability;
    private final WebhookOptions webhooks;
    /** Everything to close, last opened first. */
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Path tempDir;
    private ReadViews views;
    private HttpApi http;
    private volatile EventStreams streams;
    private Hubs hubs;
    private volatile int port = -1;
    private SidecarOptions sidecar = SidecarOptions.disabled();
    private volatile SidecarServer sidecarServer;
    private volatile String baseUrl;
    private boolean started;
    private boolean closed;

    /**
     * A gateway that runs no webhook deliverer: it accepts callbacks to public addresses, and gateways given
     * {@link WebhookOptions} (the {@code gateway} role, local clusters) deliver them.
     */
    public Gateway(GatewayOptions options) {
        this(options, Observability.detached(), WebhookOptions.defaults().withDeliverer(false));
    }

    /** A gateway with its own metrics registry that delivers completion callbacks if {@code webhooks} says so. */
    public Gateway(GatewayOptions options, WebhookOptions webhooks) {
        this(options, Observability.detached(), webhooks);
    }

    /**
     * A gateway that reports to, and serves on its port ({@code /metrics}, {@code /healthz}, {@code /readyz}), the
     * process's {@code observability}: with every role of the process registered in it, one scrape covers them all.
     * It delivers completion callbacks if {@code webhooks} says so.
     */
    public Gateway(GatewayOptions options, Observability observability, WebhookOptions webhooks) {
        this.options = options;
        this.observability = observability;
        this.webhooks = webhooks;
    }

    /**
     * Also serves the Durable Task SDKs' gRPC protocol ({@code TaskHubSidecarService}) as {@code options} say;
     * by default a gateway serves none. Call before {@link #start()}.
     */
    public synchronized Gateway withSidecar(SidecarOptions options) {
        if (started) {
            throw new IllegalStateException("the gRPC endpoint is configured before the gateway starts");
        }
        this.sidecar = java.util.Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Starts the views, waits until they have caught up with the topics' end offsets, then binds HTTP (and gRPC
     * when {@link #withSidecar asked}).
     *
     * @throws IllegalStateException when the hub's topics do not exist or the views do not catch up in time
     */
    public synchronized Gateway start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the gateway is closed" : "the gateway is already started");
        }
        started = true;
        try {
            Admin admin = Admin.create(adminConfig());
            resources.push(admin);
            List<HubServices> services = new ArrayList<>();
            Map<String, WebhookOutcomeView> outcomes = new HashMap<>();
            for (String hub : options.taskHubs()) {
                TopicNames topics = new TopicNames(hub);
                ReadViews views = new ReadViews(topics, admin, clientConfig(), viewDirectory(hub),
                        ReadViews.DEFAULT_REAP_INTERVAL);
                resources.push(views);
                views.bindMetrics(observability.registry());
                views.start(START_TIMEOUT);
                CommandPublisher publisher = new CommandPublisher(clientConfig(), topics.orchestrations(),
                        "dk-gateway-" + hub);
                resources.push(publisher);
                services.add(new HubServices(topics, views, publisher));
                outcomes.put(hub, startWebhooks(topics));
            }
            hubs = new Hubs(services, options.connections(), options.systemKey(), options.hubSystemKeys());

            InstanceApi instances = new InstanceApi(options.knownOrchestrations(), ReadViews.DEFAULT_BARRIER_TIMEOUT,
                    options.maxWait(), options.purgeWait(), InstanceApi.DEFAULT_SCAN_BUDGET, options.maxLongPoll(),
                    webhooks.policy());
            EntityApi entities = new EntityApi(options.knownEntities(), ReadViews.DEFAULT_BARRIER_TIMEOUT,
                    InstanceApi.DEFAULT_SCAN_BUDGET);
            streams = new EventStreams(options.sseHeartbeat());
            McpEndpoint mcp = new McpEndpoint(hubs, options.publicBaseUrl(), options.maxLongPoll(),
                    options.maxBodyBytes());
            GatewayEndpoints endpoints = new GatewayEndpoints(observability);
            http = new HttpApi(ApiRoutes.build(instances, entities, new EventStreamApi(instances, streams),
                    new WebhookApi(outcomes), new RegistryApi(options.taskHubs(), options.knownOrchestrations(),
                            options.knownEntities()), new OpenApi()), hubs, options.maxBodyBytes(),
                    options.publicBaseUrl(),
                    config -> {
                        endpoints.install(config);
                        mcp.install(config);
                        new DashboardFiles().install(config);
                    },
                    GatewayTracing.of(observability.openTelemetry(), observability.tracingEnabled()));
            resources.push(observability.health().register("gateway", this::liveness, this::readiness));
            resources.push(http);
            // Closed before the server stops: its sessions end and its in-memory connector goes.
            resources.push(mcp);
            // Closed before the server stops, so open streams end cleanly instead of being cut.
            resources.push(streams);
            port = http.start(options.bindHost(), options.port());
            baseUrl = options.publicBaseUrl() != null ? options.publicBaseUrl() : "http://" + options.bindHost().urlHost() + ":" + port;
            LOG.info("gateway of task hub(s) {} listening on port {}, {} ({})", options.taskHubs(), port,
                    options.bindHost(), baseUrl);
            if (sidecar.enabled()) {
                sidecarServer = SidecarServer.start(new SidecarService(instances.operations(), entities.operations(),
                        sidecar.workItems(), admin), new SidecarCalls(hubs), options.bindHost(), sidecar.port(),
                        options.maxBodyBytes());
                resources.push(sidecarServer);
                LOG.info("gateway serving the Durable Task gRPC protocol on port {}, {}", sidecarServer.port(),
                        options.bindHost());
            }
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the gateway", e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Live unless the views' consumer of a hub stopped for good (it retries what it can). */
    private HealthChecks.Check liveness() {
        for (HubServices hub : hubs.all()) {
            Throwable failure = hub.views().positions().failure();
            if (failure != null) {
                return HealthChecks.Check.failing("the views of hub " + hub.name() + " stopped: " + failure);
            }
        }
        return HealthChecks.Check.OK;
    }

    /** Ready while the views of every hub caught up at start and have not stopped since. */
    private HealthChecks.Check readiness() {
        List<String> reasons = new ArrayList<>();
        for (HubServices hub : hubs.all()) {
            String reason = hub.views().notReadyReason();
            if (reason != null) {
                reasons.add(reason);
            }
        }
        return reasons.isEmpty() ? HealthChecks.Check.OK : HealthChecks.Check.failing(String.join("; ", reasons));
    }

    /**
     * The hub's completion-callback outcome view and, when enabled, its deliverer. Without a configured secret the
     * deliverer signs with one generated here (logged), which only suits a single gateway.
     */
    private WebhookOutcomeView startWebhooks(TopicNames topics) {
        WebhookOutcomeView outcomes = new WebhookOutcomeView(topics, clientConfig());
        resources.push(outcomes);
        outcomes.start();
        if (webhooks.delivererEnabled()) {
            String secret = webhooks.secretFor(topics.taskHub());
            if (secret == null) {
                secret = WebhookSigner.generateSecret();
                LOG.warn("no {} set: completion callbacks of hub {} are signed with the generated secret {} (set one "
                        + "secret for every gateway of the hub)", WebhookOptions.SECRET, topics.taskHub(), secret);
            }
            WebhookDeliverer deliverer = new WebhookDeliverer(topics, clientConfig(), webhooks.policy(),
                    new WebhookSigner(secret), webhooks.backoff(), webhooks.attemptTimeout(),
                    new WebhookMetrics(observability.registry()), Clock.systemUTC());
            resources.push(deliverer);
            deliverer.start();
        }
        return outcomes;
    }

    public WebhookOptions webhookOptions() {
        return webhooks;
    }

    /** The read views of a served hub (name case-insensitive), after {@link #start()}. */
    public ReadViews views(String taskHub) {
        if (hubs == null) {
            throw new IllegalStateException("the gateway is not started");
        }
        return hubs.all().stream().filter(h -> h.name().equalsIgnoreCase(taskHub)).findFirst()
                .map(HubServices::views)
                .orElseThrow(() -> new IllegalArgumentException("task hub '" + taskHub + "' is not served"));
    }

    /** The bound HTTP port (after {@link #start()}). */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the gateway is not started");
        }
        return port;
    }

    /** The bound gRPC port (after {@link #start()}), or -1 when the gateway serves no gRPC endpoint. */
    public int grpcPort() {
        SidecarServer server = sidecarServer;
        return server == null ? -1 : server.port();
    }

    /** The addresses the HTTP port listens on (after {@link #start()}). */
    public List<java.net.InetSocketAddress> boundAddresses() {
        if (http == null || port < 0) {
            throw new IllegalStateException("the gateway is not started");
        }
        return http.boundAddresses();
    }

    /** The base URL of the management URLs handed to clients. */
    public String baseUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("the gateway is not started");
        }
        return baseUrl;
    }

    /** The number of open event streams (for tests and metrics). */
    public int openEventStreams() {
        return streams == null ? 0 : streams.openStreams();
    }

    public GatewayOptions options() {
        return options;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
        if (tempDir != null) {
            try (Stream<Path> paths = Files.walk(tempDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", tempDir, e.toString());
            }
        }
    }

    /**
     * The RocksDB directory: {@code <dataDir>/views-<hub>}, locked for this gateway's lifetime (the views
     * are rebuilt at each start, so two gateways must never share it), or a temporary directory.
     */
    private Path viewDirectory(String hub) {
        String name = "views-" + hub;
        try {
            if (options.dataDir() == null) {
                if (tempDir == null) {
                    tempDir = Files.createTempDirectory("dk-gateway-");
                }
                return tempDir.resolve(name);
            }
            Files.createDirectories(options.dataDir());
            Path lockFile = options.dataDir().resolve(name + ".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another gateway uses the views in " + options.dataDir().resolve(name)
                        + "; give each gateway its own dk.gateway.data.dir");
            }
            FileLock held = lock;
            resources.push(() -> {
                held.release();
                channel.close();
            });
            return options.dataDir().resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the view directory: " + e.getMessage(), e);
        }
    }

    private Properties clientConfig() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.putAll(options.kafkaOverrides());
        return p;
    }

    private Properties adminConfig() {
        Properties p = clientConfig();
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "dk-gateway-admin-" + options.topics().taskHub() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        return p;
    }
}
