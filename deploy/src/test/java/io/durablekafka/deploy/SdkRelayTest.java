package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.WorkItem;
import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.SdkWorkers;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.sdk.FunctionRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's relay of work items, with a test playing an SDK worker over raw gRPC (no SDK): an entity work item
 * reaches a {@code GetWorkItems} stream as {@code entityRequest}; a worker that goes away leaves it to the next one
 * at once (abandon, not the deadline); {@code CompleteEntityTask} with the completion token applies it, and the state
 * reads back through gRPC {@code GetEntity}. An orchestrator answer that carries the token of a work item given up
 * since is stale, even while the instance has a newer work item out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestCluster cluster;
    private SdkWorkers relay;
    private Gateway gateway;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        // A long work item deadline, so that only the abandon can bring the work back within the test's waits.
        cluster = new TestCluster("SdkRelay", FunctionRegistry.builder().build(),
                Map.of(NodeOptions.SDK_WORKERS, "true", NodeOptions.SDK_WORK_TIMEOUT_MS, "600000"));
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", SharedKafka.bootstrapServers());
        relay = new SdkWorkers(kafka, cluster.topics);
        gateway = cluster.startSidecarGateway(SidecarOptions.onPort(0).withWorkItems(relay));
        channel = ManagedChannelBuilder.forAddress("localhost", gateway.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** A worker's GetWorkItems stream: the work items it got, and a way to go away. */
    private static final class WorkerStream implements ClientResponseObserver<OrchestratorService.GetWorkItemsRequest, WorkItem> {
        final BlockingQueue<WorkItem> items = new LinkedBlockingQueue<>();
        private volatile ClientCallStreamObserver<OrchestratorService.GetWorkItemsRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<OrchestratorService.GetWorkItemsRequest> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(WorkItem value) {
            items.add(value);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        WorkItem next() throws InterruptedException {
            WorkItem item = items.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (item == null) {
                throw new AssertionError("no work item within " + WAIT);
            }
            return item;
        }

        void goAway() {
            call.cancel("the worker went away", null);
        }
    }

    private WorkerStream connect() {
        WorkerStream stream = new WorkerStream();
        TaskHubSidecarServiceGrpc.newStub(channel).getWorkItems(OrchestratorService.GetWorkItemsRequest.newBuilder()
                .setMaxConcurrentEntityWorkItems(10).build(), stream);
        Conditions.await("the worker connected", WAIT, () -> relay.connectedWorkers() > 0);
        return stream;
    }

    @Test
    void anAnswerWithTheTokenOfAWorkItemGivenUpIsStaleEvenWhenANewerOneIsOut() throws Exception {
        var stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
        String id = "raw-" + System.nanoTime();
        WorkerStream worker = connect();
        stub.startInstance(OrchestratorService.CreateInstanceRequest.newBuilder().setInstanceId(id)
                .setName("RawOrchestration").build());
        WorkItem first = worker.next();
        assertTrue(first.hasOrchestratorRequest(), first.toString());
        assertEquals(id, first.getOrchestratorRequest().getInstanceId());

        // Given up: the node issues the work again, a new work item with a new token.
        stub.abandonTaskOrchestratorWorkItem(OrchestratorService.AbandonOrchestrationTaskRequest.newBuilder()
                .setCompletionToken(first.getCompletionToken()).build());
        WorkItem again = worker.next();
        assertEquals(id, again.getOrchestratorRequest().getInstanceId());
        assertNotEquals(first.getCompletionToken(), again.getCompletionToken());

        // An answer to the first: stale. Matched by instance ID instead, it would count as the newer item's answer.
        stub.completeOrchestratorTask(completion(id, first.getCompletionToken(), "\"stale\""));
        stub.completeOrchestratorTask(completion(id, again.getCompletionToken(), "\"fresh\""));
        Conditions.await("the instance completed", WAIT, () -> stub.getInstance(OrchestratorService.GetInstanceRequest
                .newBuilder().setInstanceId(id).setGetInputsAndOutputs(true).build()).getOrchestrationState()
                .getOrchestrationStatus() == OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
        assertEquals("\"fresh\"", stub.getInstance(OrchestratorService.GetInstanceRequest.newBuilder()
                .setInstanceId(id).setGetInputsAndOutputs(true).build()).getOrchestrationState().getOutput().getValue());
        worker.goAway();
        Conditions.await("the worker gone", WAIT, () -> relay.connectedWorkers() == 0);
    }

    private static OrchestratorService.OrchestratorResponse completion(String id, String token, String output) {
        return OrchestratorService.OrchestratorResponse.newBuilder().setInstanceId(id).setCompletionToken(token)
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(0).setCompleteOrchestration(
                        OrchestratorService.CompleteOrchestrationAction.newBuilder()
                                .setOrchestrationStatus(OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
                                .setResult(StringValue.of(output))))
                .build();
    }

    @Test
    void aLostWorkersEntityWorkGoesToTheNextAndItsAnswerIsApplied() throws Exception {
        var stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
        String id = "@rawcounter@" + System.nanoTime();
        WorkerStream first = connect();
        stub.signalEntity(OrchestratorService.SignalEntityRequest.newBuilder().setInstanceId(id).setName("add")
                .setInput(StringValue.of("5")).build());

        WorkItem item = first.next();
        assertTrue(item.hasEntityRequest(), item.toString());
        OrchestratorService.EntityBatchRequest request = item.getEntityRequest();
        assertEquals(id, request.getInstanceId());
        assertEquals(List.of("add"), request.getOperationsList().stream().map(o -> o.getOperation()).toList());
        assertEquals("5", request.getOperations(0).getInput().getValue());

        first.goAway();
        Conditions.await("the first worker gone", WAIT, () -> relay.connectedWorkers() == 0);
        WorkerStream second = connect();
        WorkItem again = second.next();
        assertEquals(request.getOperationsList(), again.getEntityRequest().getOperationsList());
        assertNotEquals(item.getCompletionToken(), again.getCompletionToken());

        // The first worker's late answer names a work item given up: acknowledged, ignored.
        stub.completeEntityTask(result("999", item.getCompletionToken()));
        // The second worker answers what it gets (the record of the first work item may come again too, if its offset
        // was not committed yet; the gateway then holds only the newer one). With a deadline of ten minutes, the state
        // arrives in time only because the lost worker's work item was abandoned and issued again at once.
        stub.completeEntityTask(result("5", again.getCompletionToken()));
        Conditions.await("the state the worker wrote", WAIT, () -> {
            WorkItem more;
            while ((more = second.items.poll()) != null) {
                stub.completeEntityTask(result("5", more.getCompletionToken()));
            }
            var r = stub.getEntity(OrchestratorService.GetEntityRequest.newBuilder().setInstanceId(id)
                    .setIncludeState(true).build());
            return r.getExists() && r.getEntity().getSerializedState().getValue().equals("5");
        });
        second.goAway();
    }

    private static OrchestratorService.EntityBatchResult result(String state, String token) {
        return OrchestratorService.EntityBatchResult.newBuilder()
                .addResults(OrchestratorService.OperationResult.newBuilder().setSuccess(
                        OrchestratorService.OperationResultSuccess.newBuilder()))
                .setEntityState(StringValue.of(state))
                .setCompletionToken(token)
                .build();
    }
}
