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
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The worker half of {@code TaskHubSidecarService}: SDK workers stream work items and send back the results.
 * {@link SidecarService} answers the client RPCs itself and hands every one of these to the implementation the
 * gateway was given (see {@link SidecarOptions#withWorkItems}), so the two halves evolve apart. Each method has the
 * signature of the generated service method of the same name.
 */
public interface WorkItemRpcs {

    /** The SDKs' health check (their clients call it as a connectivity check too): answers, whatever serves work. */
    default void hello(Empty request, StreamObserver<Empty> responses) {
        responses.onNext(Empty.getDefaultInstance());
        responses.onCompleted();
    }

    void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> responses);

    void completeActivityTask(ActivityResponse request, StreamObserver<CompleteTaskResponse> responses);

    void completeOrchestratorTask(OrchestratorResponse request, StreamObserver<CompleteTaskResponse> responses);

    void completeEntityTask(EntityBatchResult request, StreamObserver<CompleteTaskResponse> responses);

    void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
                                     StreamObserver<AbandonActivityTaskResponse> responses);

    void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
                                         StreamObserver<AbandonOrchestrationTaskResponse> responses);

    void abandonTaskEntityWorkItem(AbandonEntityTaskRequest request,
                                   StreamObserver<AbandonEntityTaskResponse> responses);

    /**
     * No SDK workers: every worker RPC fails with UNIMPLEMENTED, except {@code Hello}, which SDK clients call as a
     * connectivity check too.
     */
    static WorkItemRpcs unavailable() {
        return new WorkItemRpcs() {
            @Override
            public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> responses) {
                refuse(responses, "GetWorkItems");
            }

            @Override
            public void completeActivityTask(ActivityResponse request, StreamObserver<CompleteTaskResponse> responses) {
                refuse(responses, "CompleteActivityTask");
            }

            @Override
            public void completeOrchestratorTask(OrchestratorResponse request,
                                                 StreamObserver<CompleteTaskResponse> responses) {
                refuse(responses, "CompleteOrchestratorTask");
            }

            @Override
            public void completeEntityTask(EntityBatchResult request, StreamObserver<CompleteTaskResponse> responses) {
                refuse(responses, "CompleteEntityTask");
            }

            @Override
            public void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
                                                    StreamObserver<AbandonActivityTaskResponse> responses) {
                refuse(responses, "AbandonTaskActivityWorkItem");
            }

            @Override
            public void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
                                                        StreamObserver<AbandonOrchestrationTaskResponse> responses) {
                refuse(responses, "AbandonTaskOrchestratorWorkItem");
            }

            @Override
            public void abandonTaskEntityWorkItem(AbandonEntityTaskRequest request,
                                                  StreamObserver<AbandonEntityTaskResponse> responses) {
                refuse(responses, "AbandonTaskEntityWorkItem");
            }

            private void refuse(StreamObserver<?> responses, String rpc) {
                responses.onError(Status.UNIMPLEMENTED
                        .withDescription(rpc + ": this gateway serves no SDK workers (client RPCs only)")
                        .asRuntimeException());
            }
        };
    }
}
