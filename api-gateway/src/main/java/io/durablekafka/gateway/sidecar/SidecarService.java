package io.durablekafka.gateway.sidecar;

import com.google.protobuf.Empty;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.ActivityResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CompleteTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityBatchResult;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetWorkItemsRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.WorkItem;
import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.durablekafka.gateway.api.Hubs;
import java.util.Objects;

/**
 * {@code TaskHubSidecarService}: the client RPCs (start, read, wait for, raise events to, terminate, suspend,
 * resume, query, purge, rewind instances; signal, read, query, clean entities) answered here through the same
 * operations as the HTTP API, and the worker RPCs handed to {@link WorkItemRpcs}.
 */
public final class SidecarService extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {

    private final Hubs hubs;
    private final WorkItemRpcs workItems;

    public SidecarService(Hubs hubs, WorkItemRpcs workItems) {
        this.hubs = Objects.requireNonNull(hubs, "hubs");
        this.workItems = Objects.requireNonNull(workItems, "workItems");
    }

    // ---- the worker RPCs: WorkItemRpcs ----

    @Override
    public void hello(Empty request, io.grpc.stub.StreamObserver<Empty> responses) {
        workItems.hello(request, responses);
    }

    @Override
    public void getWorkItems(GetWorkItemsRequest request, io.grpc.stub.StreamObserver<WorkItem> responses) {
        workItems.getWorkItems(request, responses);
    }

    @Override
    public void completeActivityTask(ActivityResponse request,
                                     io.grpc.stub.StreamObserver<CompleteTaskResponse> responses) {
        workItems.completeActivityTask(request, responses);
    }

    @Override
    public void completeOrchestratorTask(OrchestratorResponse request,
                                         io.grpc.stub.StreamObserver<CompleteTaskResponse> responses) {
        workItems.completeOrchestratorTask(request, responses);
    }

    @Override
    public void completeEntityTask(EntityBatchResult request,
                                   io.grpc.stub.StreamObserver<CompleteTaskResponse> responses) {
        workItems.completeEntityTask(request, responses);
    }

    @Override
    public void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
                                            io.grpc.stub.StreamObserver<AbandonActivityTaskResponse> responses) {
        workItems.abandonTaskActivityWorkItem(request, responses);
    }

    @Override
    public void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
                                                io.grpc.stub.StreamObserver<AbandonOrchestrationTaskResponse> responses) {
        workItems.abandonTaskOrchestratorWorkItem(request, responses);
    }

    @Override
    public void abandonTaskEntityWorkItem(AbandonEntityTaskRequest request,
                                          io.grpc.stub.StreamObserver<AbandonEntityTaskResponse> responses) {
        workItems.abandonTaskEntityWorkItem(request, responses);
    }
}
