package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.StringValue;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.kafka.Conditions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's gRPC endpoint (TaskHubSidecarService) driven by the official Durable Task Java SDK's client
 * (com.microsoft:durabletask-client) against a real cluster: the orchestrations are this project's (the samples and
 * the test functions, run by the in-process node and worker). The RPCs that SDK's client does not have (rewind,
 * recursive terminate, entities) and the bad-input checks go through the protocol's generated stub.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarClientTest {

    private static final List<String> CITIES = List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private TestCluster cluster;
    private Gateway gateway;
    private DurableTaskClient client;
    private ManagedChannel channel;
    private TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Grpc", TestFunctions.registry());
        gateway = cluster.startSidecarGateway(SidecarOptions.onPort(0));
        client = new DurableTaskGrpcClientBuilder().port(gateway.grpcPort()).build();
        channel = ManagedChannelBuilder.forAddress("localhost", gateway.grpcPort()).usePlaintext().build();
        stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        cluster.close();
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> output(OrchestrationMetadata m) {
        List<String> out = new ArrayList<>();
        Json.fromBytes(m.getSerializedOutput().getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class)
                .forEach(n -> out.add(n.asText()));
        return out;
    }

    private static boolean isAbsent(String payload) {
        return payload == null || payload.isEmpty();
    }

    @Test
    void scheduleWaitAndReadAnInstanceWithInputsAndOutputs() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("HelloCities",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("hello")).setInput("some input"));
        OrchestrationMetadata started = client.waitForInstanceStart(id, WAIT, true);
        assertNotEquals(OrchestrationRuntimeStatus.PENDING, started.getRuntimeStatus());

        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, done.getRuntimeStatus());
        assertEquals("HelloCities", done.getName());
        assertEquals(id, done.getInstanceId());
        assertEquals("some input", done.readInputAs(String.class));
        assertEquals(CITIES, output(done));
        assertNotNull(done.getCreatedAt());
        assertFalse(done.getLastUpdatedAt().isBefore(done.getCreatedAt()));
        // The same record the HTTP API shows.
        JsonNode http = cluster.status(id, false);
        assertEquals("Completed", http.path("runtimeStatus").asText());
        assertEquals(Json.MAPPER.valueToTree(CITIES), http.path("output"));

        OrchestrationMetadata withoutPayloads = client.getInstanceMetadata(id, false);
        assertTrue(withoutPayloads.isInstanceFound());
        // Absent payloads: the SDK reads an unset StringValue as "".
        assertTrue(isAbsent(withoutPayloads.getSerializedInput()), withoutPayloads::toString);
        assertTrue(isAbsent(withoutPayloads.getSerializedOutput()), withoutPayloads::toString);
        assertFalse(client.getInstanceMetadata(newId("unknown"), true).isInstanceFound());

        String waiting = client.scheduleNewOrchestrationInstance("WaitForGo",
                new NewOrchestrationInstanceOptions().setInstanceId(id + "-w"));
        StatusRuntimeException clash = assertThrows(StatusRuntimeException.class, () -> client
                .scheduleNewOrchestrationInstance("WaitForGo", new NewOrchestrationInstanceOptions().setInstanceId(waiting)));
        assertEquals(Status.Code.ALREADY_EXISTS, clash.getStatus().getCode(), clash::toString);
        client.terminate(waiting, "cleanup");
    }

    @Test
    void aScheduledStartStaysPendingUntilItsTime() throws TimeoutException {
        Instant at = Instant.now().plusSeconds(3);
        String id = client.scheduleNewOrchestrationInstance("HelloCities",
                new NewOrchestrationInstanceOptions().setInstanceId(newId("later")).setStartTime(at));
        assertEquals(OrchestrationRuntimeStatus.PENDING, client.getInstanceMetadata(id, false).getRuntimeStatus());
        OrchestrationMetadata started = client.waitForInstanceStart(id, WAIT, false);
        assertNotEquals(OrchestrationRuntimeStatus.PENDING, started.getRuntimeStatus());
        assertFalse(Instant.now().isBefore(at), "started before its scheduled time");
        assertEquals(CITIES, output(client.waitForInstanceCompletion(id, WAIT, true)));
    }

    @Test
    void aWaitEndsAtTheCallsDeadline() {
        String id = client.scheduleNewOrchestrationInstance("WaitForGo");
        assertThrows(TimeoutException.class, () -> client.waitForInstanceCompletion(id, Duration.ofSeconds(1), false));
        client.terminate(id, null);
    }

    @Test
    void raiseEventSuspendResumeAndTerminate() throws TimeoutException {
        String raised = client.scheduleNewOrchestrationInstance("WaitForGo");
        client.waitForInstanceStart(raised, WAIT, false);
        client.raiseEvent(raised, "Go", "went");
        assertEquals("went", client.waitForInstanceCompletion(raised, WAIT, true).readOutputAs(String.class));

        String suspended = client.scheduleNewOrchestrationInstance("WaitForGo");
        client.waitForInstanceStart(suspended, WAIT, false);
        client.suspendInstance(suspended, "hold");
        Conditions.await("suspended", WAIT, () ->
                client.getInstanceMetadata(suspended, false).getRuntimeStatus() == OrchestrationRuntimeStatus.SUSPENDED);
        client.raiseEvent(suspended, "Go", "kept");
        client.resumeInstance(suspended, "go");
        assertEquals("kept", client.waitForInstanceCompletion(suspended, WAIT, true).readOutputAs(String.class));

        String terminated = client.scheduleNewOrchestrationInstance("WaitForGo");
        client.waitForInstanceStart(terminated, WAIT, false);
        client.terminate(terminated, "enough");
        OrchestrationMetadata ended = client.waitForInstanceCompletion(terminated, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.TERMINATED, ended.getRuntimeStatus());
        assertEquals("enough", ended.readOutputAs(String.class));
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> client.terminate(terminated, "again"));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode(), again::toString);
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> client.raiseEvent(newId("unknown"), "Go", "x"));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown::toString);
    }

    @Test
    void recursiveTerminateEndsTheSubOrchestrationsToo() throws TimeoutException {
        String parent = newId("parent");
        String child = parent + "-child";
        // ClashingChild waits on the sub-orchestration WaitForGo under the ID it is given.
        client.scheduleNewOrchestrationInstance("ClashingChild",
                new NewOrchestrationInstanceOptions().setInstanceId(parent).setInput(child));
        client.waitForInstanceStart(child, WAIT, false);
        Conditions.await("the child runs", WAIT, () -> client.getInstanceMetadata(child, false).isInstanceFound());
        stub.terminateInstance(OrchestratorService.TerminateRequest.newBuilder().setInstanceId(parent)
                .setOutput(StringValue.of("\"all of it\"")).setRecursive(true).build());
        assertEquals(OrchestrationRuntimeStatus.TERMINATED,
                client.waitForInstanceCompletion(parent, WAIT, false).getRuntimeStatus());
        assertEquals(OrchestrationRuntimeStatus.TERMINATED,
                client.waitForInstanceCompletion(child, WAIT, false).getRuntimeStatus());
    }

    @Test
    void queryPagesThroughTheInstances() throws TimeoutException {
        String prefix = newId("q") + "-";
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ids.add(client.scheduleNewOrchestrationInstance("HelloCities",
                    new NewOrchestrationInstanceOptions().setInstanceId(prefix + i).setInput(i)));
        }
        for (String id : ids) {
            client.waitForInstanceCompletion(id, WAIT, false);
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            OrchestrationStatusQueryResult page = client.queryInstances(new OrchestrationStatusQuery()
                    .setInstanceIdPrefix(prefix).setMaxInstanceCount(2).setContinuationToken(token)
                    .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED)).setFetchInputsAndOutputs(true));
            for (OrchestrationMetadata m : page.getOrchestrationState()) {
                assertTrue(seen.add(m.getInstanceId()));
                assertEquals(CITIES, output(m));
            }
            token = page.getContinuationToken();
            pages++;
            // The SDK reads an absent token as "".
        } while (token != null && !token.isEmpty() && pages < 10);
        assertEquals(ids, seen);
        assertEquals(2, pages);
        assertTrue(client.queryInstances(new OrchestrationStatusQuery().setInstanceIdPrefix(prefix)
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING))).getOrchestrationState().isEmpty());
    }

    @Test
    void purgeOneInstanceAndByFilter() throws TimeoutException {
        String one = client.scheduleNewOrchestrationInstance("HelloCities");
        client.waitForInstanceCompletion(one, WAIT, false);
        assertEquals(1, client.purgeInstance(one).getDeletedInstanceCount());
        assertFalse(client.getInstanceMetadata(one, false).isInstanceFound());
        assertEquals(0, client.purgeInstance(one).getDeletedInstanceCount());

        String running = client.scheduleNewOrchestrationInstance("WaitForGo");
        client.waitForInstanceStart(running, WAIT, false);
        StatusRuntimeException active = assertThrows(StatusRuntimeException.class, () -> client.purgeInstance(running));
        assertEquals(Status.Code.FAILED_PRECONDITION, active.getStatus().getCode(), active::toString);
        client.terminate(running, null);
        client.waitForInstanceCompletion(running, WAIT, false);

        Instant from = Instant.now().minusSeconds(1);
        String a = client.scheduleNewOrchestrationInstance("HelloCities");
        String b = client.scheduleNewOrchestrationInstance("HelloCities");
        client.waitForInstanceCompletion(a, WAIT, false);
        client.waitForInstanceCompletion(b, WAIT, false);
        int deleted = client.purgeInstances(new PurgeInstanceCriteria().setCreatedTimeFrom(from)
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED))).getDeletedInstanceCount();
        assertTrue(deleted >= 2, "deleted " + deleted);
        assertFalse(client.getInstanceMetadata(a, false).isInstanceFound());
        assertFalse(client.getInstanceMetadata(b, false).isInstanceFound());
    }

    @Test
    void rewindAndRestart() throws TimeoutException {
        // RewindMe fails on its first run and succeeds once rewound.
        String failed = client.scheduleNewOrchestrationInstance("RewindMe");
        OrchestrationMetadata f = client.waitForInstanceCompletion(failed, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.FAILED, f.getRuntimeStatus());
        assertNotNull(f.getFailureDetails());
        assertFalse(f.getFailureDetails().getErrorMessage().isEmpty());
        stub.rewindInstance(OrchestratorService.RewindInstanceRequest.newBuilder().setInstanceId(failed)
                .setReason(StringValue.of("retry")).build());
        Conditions.await("rewound to completion", WAIT, () ->
                client.getInstanceMetadata(failed, false).getRuntimeStatus() == OrchestrationRuntimeStatus.COMPLETED);

        String original = client.scheduleNewOrchestrationInstance("HelloCities", "again");
        client.waitForInstanceCompletion(original, WAIT, false);
        String copy = client.restartInstance(original, true);
        assertNotEquals(original, copy);
        OrchestrationMetadata restarted = client.waitForInstanceCompletion(copy, WAIT, true);
        assertEquals("again", restarted.readInputAs(String.class));
        assertEquals(CITIES, output(restarted));
    }

    @Test
    void entitiesSignalGetQueryAndClean() {
        String key = newId("k");
        String id = "@Counter@" + key;
        for (String amount : List.of("5", "2")) {
            stub.signalEntity(OrchestratorService.SignalEntityRequest.newBuilder().setInstanceId(id).setName("add")
                    .setInput(StringValue.of(amount)).setRequestId(UUID.randomUUID().toString()).build());
        }
        Conditions.await("the counter at 7", WAIT, () -> {
            var r = stub.getEntity(OrchestratorService.GetEntityRequest.newBuilder().setInstanceId(id)
                    .setIncludeState(true).build());
            return r.getExists() && r.getEntity().getSerializedState().getValue().equals("7");
        });
        var entity = stub.getEntity(OrchestratorService.GetEntityRequest.newBuilder().setInstanceId(id).build())
                .getEntity();
        assertEquals("@counter@" + key, entity.getInstanceId());
        assertFalse(entity.hasSerializedState());
        assertTrue(entity.hasLastModifiedTime());

        var listed = stub.queryEntities(OrchestratorService.QueryEntitiesRequest.newBuilder().setQuery(
                OrchestratorService.EntityQuery.newBuilder().setInstanceIdStartsWith(StringValue.of("@Counter@" + key))
                        .setIncludeState(true)).build());
        assertEquals(1, listed.getEntitiesCount());
        assertEquals("7", listed.getEntities(0).getSerializedState().getValue());
        assertFalse(stub.getEntity(OrchestratorService.GetEntityRequest.newBuilder()
                .setInstanceId("@counter@" + newId("none")).build()).getExists());

        var cleaned = stub.cleanEntityStorage(OrchestratorService.CleanEntityStorageRequest.newBuilder()
                .setRemoveEmptyEntities(true).setReleaseOrphanedLocks(true).build());
        assertFalse(cleaned.hasContinuationToken());
    }

    @Test
    void theTaskHubAndTheKeyComeFromTheCallMetadata() throws InterruptedException {
        Gateway keyed = cluster.startSidecarGateway(o -> o.withSystemKey("s3cret"), SidecarOptions.onPort(0));
        ManagedChannel keyedChannel = ManagedChannelBuilder.forAddress("localhost", keyed.grpcPort()).usePlaintext()
                .build();
        try {
            var request = OrchestratorService.GetInstanceRequest.newBuilder().setInstanceId(newId("any")).build();
            var anonymous = TaskHubSidecarServiceGrpc.newBlockingStub(keyedChannel);
            StatusRuntimeException noKey = assertThrows(StatusRuntimeException.class, () -> anonymous.getInstance(request));
            assertEquals(Status.Code.UNAUTHENTICATED, noKey.getStatus().getCode(), noKey::toString);

            Metadata key = new Metadata();
            key.put(Metadata.Key.of("x-functions-key", Metadata.ASCII_STRING_MARSHALLER), "s3cret");
            var withKey = anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key));
            assertFalse(withKey.getInstance(request).getExists());

            Metadata otherHub = new Metadata();
            otherHub.merge(key);
            otherHub.put(Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER), "NoSuchHub");
            StatusRuntimeException unknownHub = assertThrows(StatusRuntimeException.class, () -> anonymous
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(otherHub)).getInstance(request));
            assertEquals(Status.Code.NOT_FOUND, unknownHub.getStatus().getCode(), unknownHub::toString);
        } finally {
            keyedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            cluster.stopGateway(keyed);
        }
    }

    @Test
    void badInputIsInvalidArgumentAndWorkerRpcsAreUnimplementedWithoutWorkers() {
        StatusRuntimeException notJson = assertThrows(StatusRuntimeException.class, () -> stub.startInstance(
                OrchestratorService.CreateInstanceRequest.newBuilder().setName("HelloCities")
                        .setInput(StringValue.of("{not json")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, notJson.getStatus().getCode());
        assertTrue(notJson.getStatus().getDescription().contains("input"), notJson::toString);
        StatusRuntimeException noName = assertThrows(StatusRuntimeException.class, () -> stub.startInstance(
                OrchestratorService.CreateInstanceRequest.newBuilder().setInstanceId(newId("x")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noName.getStatus().getCode());
        StatusRuntimeException badId = assertThrows(StatusRuntimeException.class, () -> stub.getInstance(
                OrchestratorService.GetInstanceRequest.newBuilder().setInstanceId("a/b").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badId.getStatus().getCode());
        StatusRuntimeException notAnEntity = assertThrows(StatusRuntimeException.class, () -> stub.signalEntity(
                OrchestratorService.SignalEntityRequest.newBuilder().setInstanceId("counter").setName("add").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, notAnEntity.getStatus().getCode());

        var items = stub.getWorkItems(OrchestratorService.GetWorkItemsRequest.getDefaultInstance());
        StatusRuntimeException unimplemented = assertThrows(StatusRuntimeException.class, items::hasNext);
        assertEquals(Status.Code.UNIMPLEMENTED, unimplemented.getStatus().getCode());
    }
}
