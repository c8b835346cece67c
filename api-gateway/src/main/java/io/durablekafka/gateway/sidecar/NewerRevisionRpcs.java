package io.durablekafka.gateway.sidecar;

import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.api.ApiException;
import io.durablekafka.gateway.api.InstanceOperations;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.ListInstanceIdsRequest;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.ListInstanceIdsResponse;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.RestartInstanceRequest;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.RestartInstanceResponse;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.Page;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RestartInstance} and {@code ListInstanceIds}: client RPCs of the newer protocol revision
 * ({@link NewerRevisionMessages}), served beside the artifact's methods under the same service name, through the
 * operations the HTTP API runs.
 */
final class NewerRevisionRpcs {

    static final MethodDescriptor<RestartInstanceRequest, RestartInstanceResponse> RESTART_INSTANCE =
            unary("RestartInstance", NewerRevisionMessages.RESTART_REQUEST, NewerRevisionMessages.RESTART_RESPONSE);
    static final MethodDescriptor<ListInstanceIdsRequest, ListInstanceIdsResponse> LIST_INSTANCE_IDS =
            unary("ListInstanceIds", NewerRevisionMessages.LIST_IDS_REQUEST, NewerRevisionMessages.LIST_IDS_RESPONSE);

    private final InstanceOperations instances;

    NewerRevisionRpcs(InstanceOperations instances) {
        this.instances = instances;
    }

    /** {@code generated} (the artifact's methods) with these two added. */
    ServerServiceDefinition addTo(ServerServiceDefinition generated) {
        ServerServiceDefinition.Builder all = ServerServiceDefinition.builder(TaskHubSidecarServiceGrpc.SERVICE_NAME);
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            all.addMethod(method);
        }
        return all.addMethod(RESTART_INSTANCE, ServerCalls.asyncUnaryCall(this::restartInstance))
                .addMethod(LIST_INSTANCE_IDS, ServerCalls.asyncUnaryCall(this::listInstanceIds))
                .build();
    }

    /**
     * The instance's orchestration again, with its input, under the same ID (the instance must have ended:
     * FAILED_PRECONDITION otherwise) or a new one. An unknown instance is NOT_FOUND (the HTTP API's 400 of the
     * extension); the SDKs turn both codes into their "not found" and "cannot be restarted" errors.
     */
    void restartInstance(RestartInstanceRequest request, StreamObserver<RestartInstanceResponse> responses) {
        SidecarService.answer(responses, hub -> {
            try {
                return new RestartInstanceResponse(instances.restart(hub, request.instanceId(),
                        request.restartWithNewInstanceId(), null).instanceId());
            } catch (ApiException e) {
                throw switch (e.status()) {
                    case 400 -> "InstanceNotFound".equals(e.error())
                            ? Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException() : e;
                    case 409 -> Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
                    default -> e;
                };
            }
        });
    }

    /**
     * The IDs of the instances with one of the given statuses (none: any) that ended within the completed-time range
     * (a bound excludes instances that have not ended; the last update of an ended instance is its completion), in
     * ID order, a page at a time. A page may hold fewer IDs than asked for and still have a next one: the range is
     * checked on the instances the status index yields, and {@code lastInstanceKey} says where to go on.
     */
    void listInstanceIds(ListInstanceIdsRequest request, StreamObserver<ListInstanceIdsResponse> responses) {
        SidecarService.answer(responses, hub -> {
            Instant from = SidecarMessages.instant(request.completedTimeFrom() != null, request.completedTimeFrom());
            Instant to = SidecarMessages.instant(request.completedTimeTo() != null, request.completedTimeTo());
            InstanceQuery query = new InstanceQuery("", null, null, SidecarMessages.statuses(request.runtimeStatus()));
            Page<InstanceView> page = instances.list(hub, query, request.lastInstanceKey(),
                    SidecarService.top(request.pageSize()));
            List<String> ids = new ArrayList<>();
            for (InstanceView v : page.items()) {
                if (completedWithin(v, from, to)) {
                    ids.add(v.instanceId());
                }
            }
            return new ListInstanceIdsResponse(ids, InstanceOperations.continuation(page));
        });
    }

    private static boolean completedWithin(InstanceView v, Instant from, Instant to) {
        if (from == null && to == null) {
            return true;
        }
        RuntimeStatus status = v.runtimeStatus();
        Instant completed = v.status().lastUpdatedTime();
        if (status == null || !status.isTerminal() || completed == null) {
            return false;
        }
        return (from == null || !completed.isBefore(from)) && (to == null || !completed.isAfter(to));
    }

    private static <Q, A> MethodDescriptor<Q, A> unary(String name, NewerRevisionMessages.Codec<Q> request,
                                                      NewerRevisionMessages.Codec<A> response) {
        return MethodDescriptor.<Q, A>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(TaskHubSidecarServiceGrpc.SERVICE_NAME,
                        name))
                .setRequestMarshaller(NewerRevisionMessages.marshaller(request))
                .setResponseMarshaller(NewerRevisionMessages.marshaller(response))
                .build();
    }
}
