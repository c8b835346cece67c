package io.durablekafka.deploy;

import static io.durablekafka.deploy.sdk.SdkFactories.activity;
import static io.durablekafka.deploy.sdk.SdkFactories.orchestration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.HubWorkItems;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.node.NodeOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sidecar RPCs that depend on the task hub and on what a start keeps: a gateway serving two hubs relays each
 * hub's work only to the SDK workers of that hub (the {@code taskhub} header of {@code GetWorkItems} and of the
 * answers). Official Java SDK (com.microsoft:durabletask-client 1.5.0) workers and clients where it has the call, the
 * protocol's generated stubs otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarHubRpcsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Instance IDs each hub's worker ran, by the hub the worker was told it serves. */
    private static final Map<String, Set<String>> RAN = new ConcurrentHashMap<>();

    private TestCluster hubA;
    private TestCluster hubB;
    private HubWorkItems relays;
    private Gateway gateway;
    private ManagedChannel channel;
    private DurableTaskGrpcWorker workerA;
    private DurableTaskGrpcWorker workerB;
    private DurableTaskClient clientA;
    private DurableTaskClient clientB;

    @BeforeAll
    void start() {
        Map<String, String> sdk = Map.of(NodeOptions.SDK_WORKERS, "true", NodeOptions.SDK_WORK_TIMEOUT_MS, "20000");
        hubA = new TestCluster("HubA", TestFunctions.registry(), sdk);
        hubB = new TestCluster("HubB", TestFunctions.registry(), sdk);
        relays = HubWorkItems.forGateway(io.durablekafka.gateway.GatewayOptions.of(
                io.durablekafka.kafka.SharedKafka.bootstrapServers(), hubA.topics));
        // One gateway for both hubs, hub A its default.
        gateway = hubA.startSidecarGateway(o -> o.withTaskHubs(List.of(hubA.hub, hubB.hub))
                .withKnownOrchestrations(Set.of()), SidecarOptions.onPort(0).withWorkItems(relays));
        channel = ManagedChannelBuilder.forAddress("localhost", gateway.grpcPort()).usePlaintext().build();
        // Hub A's worker and client send no taskhub header (the default hub), hub B's name theirs.
        workerA = startWorker("A", channel);
        workerB = startWorker("B", withHub(channel, hubB.hub));
        clientA = new DurableTaskGrpcClientBuilder().grpcChannel(channel).build();
        clientB = new DurableTaskGrpcClientBuilder().grpcChannel(withHub(channel, hubB.hub)).build();
        Conditions.await("a worker of each hub connects", Duration.ofSeconds(30),
                () -> relays.connectedWorkers(hubA.hub) == 1 && relays.connectedWorkers(hubB.hub) == 1);
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (AutoCloseable c : new AutoCloseable[] {workerA, workerB, clientA, clientB}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (TestCluster c : new TestCluster[] {hubA, hubB}) {
            if (c != null) {
                c.close();
            }
        }
        if (relays != null) {
            relays.close();
        }
    }

    /** A channel whose calls carry {@code taskhub: hub}. */
    static Channel withHub(Channel channel, String hub) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER), hub);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A worker whose orchestration and activity of the same names as the other hub's answer with its own label. */
    private static DurableTaskGrpcWorker startWorker(String label, Channel channel) {
        DurableTaskGrpcWorker w = new DurableTaskGrpcWorkerBuilder().grpcChannel(channel)
                .addOrchestration(orchestration("HubEcho", ctx -> {
                    RAN.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet()).add(ctx.getInstanceId());
                    ctx.complete(ctx.callActivity("HubLabel", ctx.getInput(String.class), String.class).await());
                }))
                .addOrchestration(orchestration("HubWait", ctx -> ctx.complete(
                        label + ":" + ctx.waitForExternalEvent("go", String.class).await())))
                .addOrchestration(orchestration("HubAgain", ctx -> {
                    int n = ctx.getInput(Integer.class);
                    if (n < 1) {
                        ctx.continueAsNew(n + 1);
                    } else {
                        ctx.complete(n);
                    }
                }))
                .addActivity(activity("HubLabel", ctx -> label + ":" + ctx.getInput(String.class)))
                .build();
        w.start();
        return w;
    }

    @Test
    void eachHubsWorkGoesOnlyToThatHubsWorkers() throws Exception {
        String a = clientA.scheduleNewOrchestrationInstance("HubEcho",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("on-a")).setInput("x"));
        String b = clientB.scheduleNewOrchestrationInstance("HubEcho",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("on-b")).setInput("y"));
        OrchestrationMetadata doneA = clientA.waitForInstanceCompletion(a, WAIT, true);
        OrchestrationMetadata doneB = clientB.waitForInstanceCompletion(b, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, doneA.getRuntimeStatus());
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, doneB.getRuntimeStatus());
        assertEquals("A:x", doneA.readOutputAs(String.class));
        assertEquals("B:y", doneB.readOutputAs(String.class));
        assertTrue(RAN.get("A").contains(a) && !RAN.getOrDefault("B", Set.of()).contains(a), RAN::toString);
        assertTrue(RAN.get("B").contains(b) && !RAN.getOrDefault("A", Set.of()).contains(b), RAN::toString);
        // Each instance lives in its own hub only.
        assertTrue(clientA.getInstanceMetadata(b, false) == null || !clientA.getInstanceMetadata(b, false).isInstanceFound());
        assertTrue(clientB.getInstanceMetadata(a, false) == null || !clientB.getInstanceMetadata(a, false).isInstanceFound());
    }

    @Test
    void streamInstanceHistoryServesTheStoredHistoryAsProtocolEvents() throws Exception {
        String id = clientB.scheduleNewOrchestrationInstance("HubEcho",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("history")).setInput("h"));
        assertEquals("B:h", clientB.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));

        var hubBStub = stub(withHub(channel, hubB.hub));
        List<OrchestratorService.HistoryEvent> events = new ArrayList<>();
        hubBStub.streamInstanceHistory(OrchestratorService.StreamInstanceHistoryRequest.newBuilder()
                .setInstanceId(id).build()).forEachRemaining(chunk -> events.addAll(chunk.getEventsList()));
        List<OrchestratorService.HistoryEvent.EventTypeCase> kinds = events.stream()
                .map(OrchestratorService.HistoryEvent::getEventTypeCase)
                .filter(k -> k != OrchestratorService.HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED).toList();
        assertEquals(List.of(OrchestratorService.HistoryEvent.EventTypeCase.EXECUTIONSTARTED,
                OrchestratorService.HistoryEvent.EventTypeCase.TASKSCHEDULED,
                OrchestratorService.HistoryEvent.EventTypeCase.TASKCOMPLETED,
                OrchestratorService.HistoryEvent.EventTypeCase.EXECUTIONCOMPLETED), kinds, events::toString);
        var started = events.stream().filter(OrchestratorService.HistoryEvent::hasExecutionStarted).findFirst()
                .orElseThrow().getExecutionStarted();
        assertEquals("HubEcho", started.getName());
        assertEquals(id, started.getOrchestrationInstance().getInstanceId());
        assertEquals("\"h\"", started.getInput().getValue());
        var scheduled = events.stream().filter(OrchestratorService.HistoryEvent::hasTaskScheduled).findFirst().orElseThrow();
        var completed = events.stream().filter(OrchestratorService.HistoryEvent::hasTaskCompleted).findFirst().orElseThrow();
        assertEquals("HubLabel", scheduled.getTaskScheduled().getName());
        assertEquals(scheduled.getEventId(), completed.getTaskCompleted().getTaskScheduledId());
        assertEquals("\"B:h\"", completed.getTaskCompleted().getResult().getValue());

        // Unknown here: on the other hub, an unknown ID, an execution not kept.
        for (var request : List.of(
                new Object[] {stub(channel), OrchestratorService.StreamInstanceHistoryRequest.newBuilder().setInstanceId(id)},
                new Object[] {hubBStub, OrchestratorService.StreamInstanceHistoryRequest.newBuilder().setInstanceId(newId("none"))},
                new Object[] {hubBStub, OrchestratorService.StreamInstanceHistoryRequest.newBuilder().setInstanceId(id)
                        .setExecutionId(StringValue.of("not-an-execution"))})) {
            var s = (TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub) request[0];
            var r = ((OrchestratorService.StreamInstanceHistoryRequest.Builder) request[1]).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> s.streamInstanceHistory(r).hasNext());
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
        }
    }

    @Test
    void createTaskHubEnsuresTheTopicsAndDeleteTaskHubIsRefused() throws Exception {
        var hubBStub = stub(withHub(channel, hubB.hub));
        hubBStub.createTaskHub(OrchestratorService.CreateTaskHubRequest.getDefaultInstance());
        hubBStub.createTaskHub(OrchestratorService.CreateTaskHubRequest.getDefaultInstance()); // idempotent
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", io.durablekafka.kafka.SharedKafka.bootstrapServers()))) {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String topic : List.of(hubB.topics.orchestrations(), hubB.topics.status(),
                    hubB.topics.sdkOrchestratorWork(), hubB.topics.tasks("sdk"))) {
                assertTrue(names.contains(topic), topic);
            }
            assertEquals(4, admin.describeTopics(List.of(hubB.topics.tasks("sdk"))).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(hubB.topics.tasks("sdk")).partitions().size());
        }
        StatusRuntimeException recreate = assertThrows(StatusRuntimeException.class, () -> hubBStub.createTaskHub(
                OrchestratorService.CreateTaskHubRequest.newBuilder().setRecreateIfExists(true).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, recreate.getStatus().getCode(), recreate::toString);
        StatusRuntimeException delete = assertThrows(StatusRuntimeException.class, () -> hubBStub.deleteTaskHub(
                OrchestratorService.DeleteTaskHubRequest.getDefaultInstance()));
        assertEquals(Status.Code.FAILED_PRECONDITION, delete.getStatus().getCode(), delete::toString);
        assertTrue(delete.getStatus().getDescription().contains(hubB.hub), delete::toString);
        // The hub is untouched: it still runs instances.
        String id = clientB.scheduleNewOrchestrationInstance("HubEcho", "after");
        assertEquals("B:after", clientB.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));
    }

    @Test
    void theIdReusePolicyDecidesWhatAStartOfAnExistingIdDoes() throws Exception {
        var stub = stub(channel);
        String id = newId("reuse");
        stub.startInstance(start(id, null));
        String first = awaitRunning(stub, id);

        // Running is listed with ERROR: refused; with IGNORE: the same instance answers, nothing starts.
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> stub.startInstance(
                start(id, policy(OrchestratorService.CreateOrchestrationAction.ERROR,
                        OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING))));
        assertEquals(Status.Code.ALREADY_EXISTS, refused.getStatus().getCode(), refused::toString);
        assertEquals(id, stub.startInstance(start(id, policy(OrchestratorService.CreateOrchestrationAction.IGNORE,
                OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING))).getInstanceId());
        assertEquals(first, state(stub, id).getExecutionId().getValue());
        // Running not listed: refused whatever the action.
        StatusRuntimeException notListed = assertThrows(StatusRuntimeException.class, () -> stub.startInstance(
                start(id, policy(OrchestratorService.CreateOrchestrationAction.TERMINATE,
                        OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED))));
        assertEquals(Status.Code.ALREADY_EXISTS, notListed.getStatus().getCode(), notListed::toString);

        // TERMINATE with Running listed: the running instance is terminated and a new execution starts.
        stub.startInstance(start(id, policy(OrchestratorService.CreateOrchestrationAction.TERMINATE,
                OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING)));
        Conditions.await("a new execution runs", WAIT, () -> {
            var s = state(stub, id);
            return s.getOrchestrationStatus() == OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING
                    && !s.getExecutionId().getValue().equals(first);
        });
        clientA.raiseEvent(id, "go", "now");
        OrchestrationMetadata done = clientA.waitForInstanceCompletion(id, WAIT, true);
        assertEquals("A:now", done.readOutputAs(String.class));

        // Completed, with a policy that lists only Running: refused (without a policy it would be replaced).
        StatusRuntimeException completed = assertThrows(StatusRuntimeException.class, () -> stub.startInstance(
                start(id, policy(OrchestratorService.CreateOrchestrationAction.TERMINATE,
                        OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING))));
        assertEquals(Status.Code.ALREADY_EXISTS, completed.getStatus().getCode(), completed::toString);
        stub.startInstance(start(id, policy(OrchestratorService.CreateOrchestrationAction.TERMINATE,
                OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)));
        Conditions.await("the completed instance is replaced", WAIT, () -> state(stub, id).getOrchestrationStatus()
                == OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING);
        clientA.raiseEvent(id, "go", "again");
        assertEquals("A:again", clientA.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));
    }

    @Test
    void versionAndTagsAreKeptWithTheInstance() throws Exception {
        var hubBStub = stub(withHub(channel, hubB.hub));
        String id = newId("tagged");
        hubBStub.startInstance(OrchestratorService.CreateInstanceRequest.newBuilder().setInstanceId(id)
                .setName("HubEcho").setInput(StringValue.of("\"t\"")).setVersion(StringValue.of("2.1"))
                .putTags("team", "orders").putTags("tier", "gold").build());
        assertEquals("B:t", clientB.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));
        Map<String, String> tags = Map.of("team", "orders", "tier", "gold");

        var state = state(hubBStub, id);
        assertEquals("2.1", state.getVersion().getValue());
        assertEquals(tags, state.getTagsMap());
        var listed = hubBStub.queryInstances(OrchestratorService.QueryInstancesRequest.newBuilder().setQuery(
                OrchestratorService.InstanceQuery.newBuilder().setInstanceIdPrefix(StringValue.of(id))).build());
        assertEquals(1, listed.getOrchestrationStateCount());
        assertEquals("2.1", listed.getOrchestrationState(0).getVersion().getValue());
        assertEquals(tags, listed.getOrchestrationState(0).getTagsMap());
        // The ExecutionStarted event (that of the work items too) carries them.
        List<OrchestratorService.HistoryEvent> events = new ArrayList<>();
        hubBStub.streamInstanceHistory(OrchestratorService.StreamInstanceHistoryRequest.newBuilder().setInstanceId(id)
                .build()).forEachRemaining(chunk -> events.addAll(chunk.getEventsList()));
        var started = events.stream().filter(OrchestratorService.HistoryEvent::hasExecutionStarted).findFirst()
                .orElseThrow().getExecutionStarted();
        assertEquals("2.1", started.getVersion().getValue());
        assertEquals(tags, started.getTagsMap());

        // A continue-as-new keeps them.
        String again = newId("again");
        hubBStub.startInstance(OrchestratorService.CreateInstanceRequest.newBuilder().setInstanceId(again)
                .setName("HubAgain").setInput(StringValue.of("0")).setVersion(StringValue.of("2.1"))
                .putAllTags(tags).build());
        assertEquals(1, clientB.waitForInstanceCompletion(again, WAIT, true).readOutputAs(Integer.class));
        assertEquals("2.1", state(hubBStub, again).getVersion().getValue());
        assertEquals(tags, state(hubBStub, again).getTagsMap());

        // The Java SDK's client sends a version (it has no tags); an instance started without either shows none.
        String sdkStarted = clientB.scheduleNewOrchestrationInstance("HubEcho",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("sdk-version")).setInput("v").setVersion("3"));
        clientB.waitForInstanceCompletion(sdkStarted, WAIT, false);
        assertEquals("3", state(hubBStub, sdkStarted).getVersion().getValue());
        String plain = clientB.scheduleNewOrchestrationInstance("HubEcho", "p");
        clientB.waitForInstanceCompletion(plain, WAIT, false);
        assertTrue(!state(hubBStub, plain).hasVersion() && state(hubBStub, plain).getTagsCount() == 0);
    }

    private static OrchestratorService.CreateInstanceRequest start(String id,
                                                                   OrchestratorService.OrchestrationIdReusePolicy policy) {
        var b = OrchestratorService.CreateInstanceRequest.newBuilder().setInstanceId(id).setName("HubWait");
        if (policy != null) {
            b.setOrchestrationIdReusePolicy(policy);
        }
        return b.build();
    }

    private static OrchestratorService.OrchestrationIdReusePolicy policy(
            OrchestratorService.CreateOrchestrationAction action, OrchestratorService.OrchestrationStatus... statuses) {
        return OrchestratorService.OrchestrationIdReusePolicy.newBuilder().setAction(action)
                .addAllOperationStatus(List.of(statuses)).build();
    }

    private static OrchestratorService.OrchestrationState state(
            TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, String id) {
        return stub.getInstance(OrchestratorService.GetInstanceRequest.newBuilder().setInstanceId(id).build())
                .getOrchestrationState();
    }

    /** Waits until the instance runs; its execution ID. */
    private static String awaitRunning(TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, String id)
            throws Exception {
        Conditions.await("'" + id + "' runs", WAIT, () -> state(stub, id).getOrchestrationStatus()
                == OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING);
        return state(stub, id).getExecutionId().getValue();
    }

    static TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub(Channel channel) {
        return TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    }
}
