package io.durablekafka.gateway.sidecar;

import com.google.protobuf.Empty;
import com.google.protobuf.StringValue;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.ActivityResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CleanEntityStorageRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CleanEntityStorageResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CompleteTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityBatchResult;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetEntityRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetEntityResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetInstanceRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetInstanceResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetWorkItemsRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.PurgeInstanceFilter;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.PurgeInstancesRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.PurgeInstancesResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.QueryEntitiesRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.QueryEntitiesResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.QueryInstancesRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.QueryInstancesResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.RaiseEventRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.RaiseEventResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.ResumeRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.ResumeResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.RewindInstanceRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.RewindInstanceResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.SignalEntityRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.SignalEntityResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.SuspendRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.SuspendResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.TerminateRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.TerminateResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.WorkItem;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CreateTaskHubRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CreateTaskHubResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.DeleteTaskHubRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.DeleteTaskHubResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.HistoryChunk;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.StreamInstanceHistoryRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService;
import io.dapr.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.gateway.sidecar.workitems.ProtocolMapping;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ResumeOrchestration;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.messages.SuspendOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.api.ApiException;
import io.durablekafka.gateway.api.EntityApi;
import io.durablekafka.gateway.api.EntityOperations;
import io.durablekafka.gateway.api.HubServices;
import io.durablekafka.gateway.api.IdReusePolicy;
import io.durablekafka.gateway.api.InstanceApi;
import io.durablekafka.gateway.api.InstanceIds;
import io.durablekafka.gateway.api.InstanceOperations;
import io.durablekafka.gateway.views.EntityQuery;
import io.durablekafka.gateway.views.EntityView;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.Page;
import io.durablekafka.sdk.EntityInstanceId;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * {@code TaskHubSidecarService}: the client RPCs (start, read, wait for, raise events to, terminate, suspend,
 * resume, query, purge, rewind instances; signal, read, query, clean entities; restart and list IDs in
 * {@link NewerRevisionRpcs}) answered through the operations the HTTP API runs ({@link InstanceOperations},
 * {@link EntityOperations}), and the worker RPCs handed to {@link WorkItemRpcs}. The task hub of a call is {@link SidecarCalls#hub()}. Refusals become gRPC statuses
 * ({@link SidecarErrors}): INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION.
 */
public final class SidecarService extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {

    /** {@code source} of the entity signals sent through gRPC. */
    public static final String GRPC_SOURCE = "grpc";
    /**
     * A wait without a deadline re-arms after this long: the view wait it holds is bounded, the call is not (the
     * SDKs' waits without a timeout wait for as long as the instance runs).
     */
    static final Duration UNBOUNDED_WAIT_STEP = Duration.ofMinutes(5);

    private final InstanceOperations instances;
    private final EntityOperations entities;
    private final WorkItemRpcs workItems;
    private final TaskHubTopics hubTopics;
    private final NewerRevisionRpcs newerRevision;

    /** @param admin the gateway's Kafka admin client (CreateTaskHub) */
    public SidecarService(InstanceOperations instances, EntityOperations entities, WorkItemRpcs workItems,
                          Admin admin) {
        this.instances = Objects.requireNonNull(instances, "instances");
        this.entities = Objects.requireNonNull(entities, "entities");
        this.workItems = Objects.requireNonNull(workItems, "workItems");
        this.hubTopics = new TaskHubTopics(Objects.requireNonNull(admin, "admin"));
        this.newerRevision = new NewerRevisionRpcs(instances);
    }

    /**
     * What to serve: the artifact's RPCs ({@link #bindService()}, final there) and those of the newer protocol
     * revision it lacks ({@link NewerRevisionRpcs}).
     */
    public io.grpc.ServerServiceDefinition definition() {
        return newerRevision.addTo(bindService());
    }

    /** A client RPC's work: may block (the server runs calls on virtual threads), may refuse. */
    interface Operation<A> {
        A run(HubServices hub) throws Exception;
    }

    /** Runs {@code operation} in the call's hub and answers with its result or its refusal. */
    static <A> void answer(StreamObserver<A> responses, Operation<A> operation) {
        A result;
        try {
            result = operation.run(SidecarCalls.hub());
        } catch (Exception e) {
            responses.onError(SidecarErrors.of(e));
            return;
        }
        responses.onNext(result);
        responses.onCompleted();
    }

    // ---- instances ----

    /**
     * Scheduled starts, {@code version} and {@code tags} are kept, and the ID reuse policy applied
     * ({@link IdReusePolicy}); {@code executionId} is not (see docs/sdk-workers.md). Without a policy, a start of an
     * active instance's ID is ALREADY_EXISTS.
     */
    @Override
    public void startInstance(CreateInstanceRequest request, StreamObserver<CreateInstanceResponse> responses) {
        answer(responses, hub -> {
            String instanceId = request.getInstanceId().isEmpty() ? InstanceIds.generate() : request.getInstanceId();
            var started = instances.start(hub, instanceId, request.getName(),
                    SidecarMessages.payload(request.hasInput(), request.getInput(), "input"),
                    SidecarMessages.instant(request.hasScheduledStartTimestamp(), request.getScheduledStartTimestamp()),
                    null, null, reusePolicy(request),
                    request.hasVersion() && !request.getVersion().getValue().isEmpty() ? request.getVersion().getValue() : null,
                    request.getTagsMap());
            return CreateInstanceResponse.newBuilder().setInstanceId(started.instanceId()).build();
        });
    }

    /** The request's ID reuse policy; none, or one listing no status, leaves the rule book's (null). */
    private static IdReusePolicy reusePolicy(CreateInstanceRequest request) {
        if (!request.hasOrchestrationIdReusePolicy()
                || request.getOrchestrationIdReusePolicy().getOperationStatusCount() == 0) {
            return null;
        }
        var policy = request.getOrchestrationIdReusePolicy();
        IdReusePolicy.Action action = switch (policy.getAction()) {
            case ERROR -> IdReusePolicy.Action.ERROR;
            case IGNORE -> IdReusePolicy.Action.IGNORE;
            case TERMINATE -> IdReusePolicy.Action.TERMINATE;
            case UNRECOGNIZED -> throw SidecarErrors.invalid("orchestrationIdReusePolicy holds an unknown action number.");
        };
        return new IdReusePolicy(SidecarMessages.statuses(policy.getOperationStatusList()), action);
    }

    @Override
    public void getInstance(GetInstanceRequest request, StreamObserver<GetInstanceResponse> responses) {
        answer(responses, hub -> found(findOrchestration(hub, request.getInstanceId()),
                request.getGetInputsAndOutputs()));
    }

    /** Answers once the instance has started (left Pending), or is gone. */
    @Override
    public void waitForInstanceStart(GetInstanceRequest request, StreamObserver<GetInstanceResponse> responses) {
        await(request, responses, v -> v.isEmpty() || (!v.get().isPendingStart()
                && v.get().runtimeStatus() != null && v.get().runtimeStatus() != RuntimeStatus.Pending));
    }

    /** Answers once the instance has ended (Completed, Failed, Terminated, Canceled), or is gone. */
    @Override
    public void waitForInstanceCompletion(GetInstanceRequest request,
                                          StreamObserver<GetInstanceResponse> responses) {
        await(request, responses, v -> v.isEmpty() || !v.get().isActive());
    }

    /**
     * Waits without a thread and without polling: the views' change notification wakes the wait
     * ({@link io.durablekafka.gateway.views.ReadViews#awaitInstanceAsync}), as for the HTTP API's long-polls. The
     * call's deadline bounds it (DEADLINE_EXCEEDED then); a cancelled call drops it.
     */
    private void await(GetInstanceRequest request, StreamObserver<GetInstanceResponse> responses,
                       Predicate<Optional<InstanceView>> settled) {
        HubServices hub;
        Optional<InstanceView> first;
        try {
            hub = SidecarCalls.hub();
            first = findOrchestration(hub, request.getInstanceId());
        } catch (Exception e) {
            responses.onError(SidecarErrors.of(e));
            return;
        }
        if (first.isEmpty() || settled.test(first)) {
            responses.onNext(found(first, request.getGetInputsAndOutputs()));
            responses.onCompleted();
            return;
        }
        var call = (ServerCallStreamObserver<GetInstanceResponse>) responses;
        // The handler can only be set now, before this method returns: it drops whichever step is waiting.
        AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
        call.setOnCancelHandler(() -> {
            CompletableFuture<?> wait = current.get();
            if (wait != null) {
                wait.cancel(false);
            }
        });
        awaitStep(hub, request, call, settled, Context.current().getDeadline(), current);
    }

    private void awaitStep(HubServices hub, GetInstanceRequest request,
                           ServerCallStreamObserver<GetInstanceResponse> responses,
                           Predicate<Optional<InstanceView>> settled, Deadline deadline,
                           AtomicReference<CompletableFuture<?>> current) {
        Duration step = deadline == null ? UNBOUNDED_WAIT_STEP
                : Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
        CompletableFuture<Optional<InstanceView>> wait =
                hub.views().awaitInstanceAsync(request.getInstanceId(), settled, step);
        current.set(wait);
        wait.whenComplete((view, failure) -> {
            if (responses.isCancelled() || wait.isCancelled()) {
                return;
            }
            if (failure != null) {
                responses.onError(SidecarErrors.of(failure));
            } else if (settled.test(view)) {
                responses.onNext(found(view, request.getGetInputsAndOutputs()));
                responses.onCompleted();
            } else if (deadline == null) {
                awaitStep(hub, request, responses, settled, null, current);
            } else {
                responses.onError(Status.DEADLINE_EXCEEDED.withDescription("the instance '"
                        + request.getInstanceId() + "' did not get there before the call's deadline")
                        .asRuntimeException());
            }
        });
    }

    /** The orchestration instance (absent when unknown, or when the ID names an entity). */
    private Optional<InstanceView> findOrchestration(HubServices hub, String instanceId) throws InterruptedException {
        if (EntityInstanceId.isEntityId(instanceId)) {
            InstanceIds.validate(instanceId);
            return Optional.empty();
        }
        return instances.find(hub, instanceId);
    }

    private static GetInstanceResponse found(Optional<InstanceView> view, boolean inputsAndOutputs) {
        return view.map(v -> GetInstanceResponse.newBuilder().setExists(true)
                        .setOrchestrationState(SidecarMessages.state(v, inputsAndOutputs)).build())
                .orElseGet(() -> GetInstanceResponse.newBuilder().setExists(false).build());
    }

    @Override
    public void raiseEvent(RaiseEventRequest request, StreamObserver<RaiseEventResponse> responses) {
        answer(responses, hub -> {
            if (request.getName().isEmpty()) {
                throw SidecarErrors.invalid("The event name must not be empty.");
            }
            instances.command(hub, InstanceCommand.RAISE_EVENT, new RaiseEvent(request.getInstanceId(),
                    request.getName(), SidecarMessages.payload(request.hasInput(), request.getInput(), "input")),
                    null);
            return RaiseEventResponse.getDefaultInstance();
        });
    }

    /**
     * The SDKs send the termination's output (JSON); our terminations carry a reason, which becomes the output: a
     * JSON string is its text, other JSON its text form.
     */
    @Override
    public void terminateInstance(TerminateRequest request, StreamObserver<TerminateResponse> responses) {
        answer(responses, hub -> {
            var output = SidecarMessages.payload(request.hasOutput(), request.getOutput(), "output");
            String reason = output == null ? null : output.isTextual() ? output.asText() : SidecarMessages.json(output);
            instances.terminate(hub, request.getInstanceId(), reason, request.getRecursive(), null);
            return TerminateResponse.getDefaultInstance();
        });
    }

    @Override
    public void suspendInstance(SuspendRequest request, StreamObserver<SuspendResponse> responses) {
        answer(responses, hub -> {
            instances.command(hub, InstanceCommand.SUSPEND, new SuspendOrchestration(request.getInstanceId(),
                    text(request.hasReason(), request.getReason())), null);
            return SuspendResponse.getDefaultInstance();
        });
    }

    @Override
    public void resumeInstance(ResumeRequest request, StreamObserver<ResumeResponse> responses) {
        answer(responses, hub -> {
            instances.command(hub, InstanceCommand.RESUME, new ResumeOrchestration(request.getInstanceId(),
                    text(request.hasReason(), request.getReason())), null);
            return ResumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void rewindInstance(RewindInstanceRequest request, StreamObserver<RewindInstanceResponse> responses) {
        answer(responses, hub -> {
            instances.command(hub, InstanceCommand.REWIND, new RewindOrchestration(request.getInstanceId(),
                    text(request.hasReason(), request.getReason())), null);
            return RewindInstanceResponse.getDefaultInstance();
        });
    }

    /** {@code taskHubNames} is not read: the call's hub is the {@value SidecarCalls#TASK_HUB_HEADER} header's. */
    @Override
    public void queryInstances(QueryInstancesRequest request, StreamObserver<QueryInstancesResponse> responses) {
        answer(responses, hub -> {
            var q = request.getQuery();
            InstanceQuery query = new InstanceQuery(q.hasInstanceIdPrefix() ? q.getInstanceIdPrefix().getValue() : "",
                    SidecarMessages.instant(q.hasCreatedTimeFrom(), q.getCreatedTimeFrom()),
                    SidecarMessages.instant(q.hasCreatedTimeTo(), q.getCreatedTimeTo()),
                    SidecarMessages.statuses(q.getRuntimeStatusList()));
            Page<InstanceView> page = instances.list(hub, query,
                    text(q.hasContinuationToken(), q.getContinuationToken()), top(q.getMaxInstanceCount()));
            QueryInstancesResponse.Builder b = QueryInstancesResponse.newBuilder();
            for (InstanceView v : page.items()) {
                b.addOrchestrationState(SidecarMessages.state(v, q.getFetchInputsAndOutputs()));
            }
            String continuation = InstanceOperations.continuation(page);
            if (continuation != null) {
                b.setContinuationToken(StringValue.of(continuation));
            }
            return b.build();
        });
    }

    /**
     * One instance (unknown: 0 deleted; not ended: FAILED_PRECONDITION) or every ended instance a filter matches.
     * {@code recursive} is not honored yet: sub-orchestrations are purged by their own IDs.
     */
    @Override
    public void purgeInstances(PurgeInstancesRequest request, StreamObserver<PurgeInstancesResponse> responses) {
        answer(responses, hub -> {
            int deleted;
            if (request.hasPurgeInstanceFilter()) {
                PurgeInstanceFilter f = request.getPurgeInstanceFilter();
                deleted = instances.purgeMany(hub, SidecarMessages.instant(f.hasCreatedTimeFrom(), f.getCreatedTimeFrom()),
                        SidecarMessages.instant(f.hasCreatedTimeTo(), f.getCreatedTimeTo()),
                        SidecarMessages.statuses(f.getRuntimeStatusList()), null);
            } else {
                try {
                    instances.purge(hub, request.getInstanceId(), null);
                    deleted = 1;
                } catch (ApiException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                    deleted = 0;
                }
            }
            return PurgeInstancesResponse.newBuilder().setDeletedInstanceCount(deleted)
                    .setIsComplete(com.google.protobuf.BoolValue.of(true)).build();
        });
    }

    /**
     * The stored history of the instance's current execution (the one the HTTP API's {@code showHistory} shows), as
     * the protocol's events in the order and form of a work item's past events ({@link ProtocolMapping#events}), in
     * chunks of at most {@value #HISTORY_CHUNK_BYTES} bytes. Earlier executions' histories are not kept (continue-as-new
     * and reuse of an ID drop them): an {@code executionId} other than the current one is NOT_FOUND, as is an
     * unknown instance.
     */
    @Override
    public void streamInstanceHistory(StreamInstanceHistoryRequest request, StreamObserver<HistoryChunk> responses) {
        List<OrchestratorService.HistoryEvent> events;
        try {
            HubServices hub = SidecarCalls.hub();
            if (EntityInstanceId.isEntityId(request.getInstanceId())) {
                throw Status.NOT_FOUND.withDescription("InstanceNotFound: '" + request.getInstanceId() + "' names a "
                        + "durable entity, which has no orchestration history.").asRuntimeException();
            }
            InstanceView view = instances.require(hub, request.getInstanceId()); // unknown: NOT_FOUND
            String executionId = view.status().executionId();
            if (request.hasExecutionId() && !request.getExecutionId().getValue().isEmpty()
                    && !request.getExecutionId().getValue().equals(executionId)) {
                throw Status.NOT_FOUND.withDescription("InstanceNotFound: the history of execution '"
                        + request.getExecutionId().getValue() + "' of '" + request.getInstanceId() + "' is not kept "
                        + "(the current execution is '" + executionId + "').").asRuntimeException();
            }
            List<HistoryRecord> records = view.isPendingStart() ? List.of()
                    : hub.views().history(request.getInstanceId(), executionId);
            events = ProtocolMapping.events(request.getInstanceId(), records.stream().map(HistoryRecord::event).toList());
        } catch (Exception e) {
            responses.onError(SidecarErrors.of(e));
            return;
        }
        HistoryChunk.Builder chunk = HistoryChunk.newBuilder();
        int bytes = 0;
        for (OrchestratorService.HistoryEvent e : events) {
            int size = e.getSerializedSize();
            if (chunk.getEventsCount() > 0 && bytes + size > HISTORY_CHUNK_BYTES) {
                responses.onNext(chunk.build());
                chunk = HistoryChunk.newBuilder();
                bytes = 0;
            }
            chunk.addEvents(e);
            bytes += size;
        }
        if (chunk.getEventsCount() > 0) {
            responses.onNext(chunk.build());
        }
        responses.onCompleted();
    }

    /** Far below the SDKs' default 4 MiB inbound message limit. */
    static final int HISTORY_CHUNK_BYTES = 1 << 20;

    // ---- task hubs ----

    /**
     * The call's hub exists (the gateway serves only hubs whose topics exist): makes sure every one of its topics is
     * there ({@link TaskHubTopics}). {@code recreateIfExists} would delete it first: refused as DeleteTaskHub is.
     */
    @Override
    public void createTaskHub(CreateTaskHubRequest request, StreamObserver<CreateTaskHubResponse> responses) {
        answer(responses, hub -> {
            if (request.getRecreateIfExists()) {
                throw TaskHubTopics.deleteRefused(hub.name(), "CreateTaskHub with recreateIfExists").asRuntimeException();
            }
            hubTopics.ensure(hub.topics());
            return CreateTaskHubResponse.getDefaultInstance();
        });
    }

    /** Refused with FAILED_PRECONDITION: see {@link TaskHubTopics}. */
    @Override
    public void deleteTaskHub(DeleteTaskHubRequest request, StreamObserver<DeleteTaskHubResponse> responses) {
        answer(responses, hub -> {
            throw TaskHubTopics.deleteRefused(hub.name(), "DeleteTaskHub").asRuntimeException();
        });
    }

    // ---- entities ----

    /** {@code requestId} is not used for de-duplication: a signal sent twice runs twice. */
    @Override
    public void signalEntity(SignalEntityRequest request, StreamObserver<SignalEntityResponse> responses) {
        answer(responses, hub -> {
            entities.signal(hub, entityId(request.getInstanceId()), request.getName(),
                    SidecarMessages.payload(request.hasInput(), request.getInput(), "input"),
                    SidecarMessages.instant(request.hasScheduledTime(), request.getScheduledTime()), GRPC_SOURCE, null);
            return SignalEntityResponse.getDefaultInstance();
        });
    }

    @Override
    public void getEntity(GetEntityRequest request, StreamObserver<GetEntityResponse> responses) {
        answer(responses, hub -> entities.find(hub, entityId(request.getInstanceId()))
                .map(e -> GetEntityResponse.newBuilder().setExists(true)
                        .setEntity(SidecarMessages.entity(e, request.getIncludeState())).build())
                .orElseGet(() -> GetEntityResponse.newBuilder().setExists(false).build()));
    }

    /** Entities without state are never listed ({@code includeTransient} has nothing more to show). */
    @Override
    public void queryEntities(QueryEntitiesRequest request, StreamObserver<QueryEntitiesResponse> responses) {
        answer(responses, hub -> {
            var q = request.getQuery();
            EntityQuery query = EntityQuery.startingWith(
                    q.hasInstanceIdStartsWith() ? q.getInstanceIdStartsWith().getValue() : null,
                    SidecarMessages.instant(q.hasLastModifiedFrom(), q.getLastModifiedFrom()),
                    SidecarMessages.instant(q.hasLastModifiedTo(), q.getLastModifiedTo()));
            Page<EntityView> page = entities.list(hub, query,
                    text(q.hasContinuationToken(), q.getContinuationToken()),
                    top(q.hasPageSize() ? q.getPageSize().getValue() : 0));
            QueryEntitiesResponse.Builder b = QueryEntitiesResponse.newBuilder();
            for (EntityView e : page.items()) {
                b.addEntities(SidecarMessages.entity(e, q.getIncludeState()));
            }
            String continuation = EntityOperations.continuation(page);
            if (continuation != null) {
                b.setContinuationToken(StringValue.of(continuation));
            }
            return b.build();
        });
    }

    /** One pass over the whole store: never a continuation token. */
    @Override
    public void cleanEntityStorage(CleanEntityStorageRequest request,
                                   StreamObserver<CleanEntityStorageResponse> responses) {
        answer(responses, hub -> {
            var cleaned = entities.clean(hub, request.getRemoveEmptyEntities(), request.getReleaseOrphanedLocks(), null);
            return CleanEntityStorageResponse.newBuilder()
                    .setEmptyEntitiesRemoved(cleaned.emptyEntitiesRemoved())
                    .setOrphanedLocksReleased(cleaned.orphanedLocksReleased()).build();
        });
    }

    /** The entity ID {@code @name@key} of a request, checked as the HTTP API checks names and keys. */
    private static String entityId(String instanceId) {
        int keyStart = instanceId.indexOf('@', 1);
        if (!EntityInstanceId.isEntityId(instanceId) || keyStart < 0) {
            throw SidecarErrors.invalid("'" + instanceId + "' is not an entity instance ID: entity IDs are "
                    + "@name@key.");
        }
        return EntityApi.entityId(instanceId.substring(1, keyStart), instanceId.substring(keyStart + 1));
    }

    /** A page size: 0 (unset) means the HTTP API's default, larger ones are cut as there. */
    /** A page size as the SDKs give it: 0 the default, at most the HTTP API's largest page. */
    static int top(int requested) {
        if (requested < 0) {
            throw SidecarErrors.invalid("The page size must not be negative, not " + requested + ".");
        }
        return requested == 0 ? InstanceApi.DEFAULT_TOP : Math.min(requested, InstanceApi.MAX_TOP);
    }

    private static String text(boolean present, StringValue value) {
        return present && !value.getValue().isEmpty() ? value.getValue() : null;
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
