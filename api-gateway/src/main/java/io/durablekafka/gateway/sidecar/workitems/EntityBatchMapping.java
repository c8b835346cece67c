package io.durablekafka.gateway.sidecar.workitems;

import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityBatchRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityBatchResult;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OperationAction;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OperationRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OperationResult;
import io.durablekafka.common.messages.CompleteEntityWork;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.status.FailureDetails;
import java.util.ArrayList;
import java.util.List;

/**
 * Entity batches both ways: our {@link EntityWorkItem} as the protocol's {@code EntityBatchRequest} (the
 * {@code entityRequest} work item, which every SDK with entities reads), and the worker's {@code EntityBatchResult}
 * as a {@link CompleteEntityWork}. The one place that knows both for entities (orchestrations: {@link ProtocolMapping},
 * whose value helpers this uses). Payloads are JSON text both ways.
 */
public final class EntityBatchMapping {

    private EntityBatchMapping() {
    }

    /** The work item as the SDKs' {@code EntityBatchRequest}: entity ID, state, operations with their request IDs. */
    public static EntityBatchRequest request(EntityWorkItem item) {
        var b = EntityBatchRequest.newBuilder().setInstanceId(item.entityId());
        ProtocolMapping.text(item.state()).ifPresent(b::setEntityState);
        for (EntityWorkItem.Operation op : item.operations()) {
            var o = OperationRequest.newBuilder().setOperation(op.operation()).setRequestId(op.requestId());
            ProtocolMapping.text(op.input()).ifPresent(o::setInput);
            b.addOperations(o);
        }
        return b.build();
    }

    /**
     * The worker's result for {@code item}, in our model: a result per operation run (in order), the state after them
     * (absent: the entity was deleted), the actions, or the failure of the whole batch.
     */
    public static CompleteEntityWork completion(EntityWorkItem item, EntityBatchResult result) {
        List<CompleteEntityWork.Result> results = new ArrayList<>(result.getResultsCount());
        for (OperationResult r : result.getResultsList()) {
            results.add(switch (r.getResultTypeCase()) {
                case SUCCESS -> new CompleteEntityWork.Result(r.getSuccess().hasResult()
                        ? ProtocolMapping.json(r.getSuccess().getResult()) : null, null);
                case FAILURE -> new CompleteEntityWork.Result(null, r.getFailure().hasFailureDetails()
                        ? ProtocolMapping.failure(r.getFailure().getFailureDetails())
                        : FailureDetails.of("EntityOperationFailed", "the SDK worker reported a failure without details"));
                case RESULTTYPE_NOT_SET -> new CompleteEntityWork.Result(null, FailureDetails.of("InvalidWorkerResponse",
                        "the SDK worker's result for this operation is neither a success nor a failure"));
            });
        }
        List<CompleteEntityWork.Action> actions = new ArrayList<>(result.getActionsCount());
        for (OperationAction a : result.getActionsList()) {
            switch (a.getOperationActionTypeCase()) {
                case SENDSIGNAL -> {
                    var s = a.getSendSignal();
                    actions.add(new CompleteEntityWork.Action(CompleteEntityWork.Action.SIGNAL, s.getInstanceId(),
                            s.getName(), s.hasInput() ? ProtocolMapping.json(s.getInput()) : null,
                            s.hasScheduledTime() ? ProtocolMapping.instant(s.getScheduledTime()) : null));
                }
                case STARTNEWORCHESTRATION -> {
                    var s = a.getStartNewOrchestration();
                    actions.add(new CompleteEntityWork.Action(CompleteEntityWork.Action.START, s.getInstanceId(),
                            s.getName(), s.hasInput() ? ProtocolMapping.json(s.getInput()) : null,
                            s.hasScheduledTime() ? ProtocolMapping.instant(s.getScheduledTime()) : null));
                }
                case OPERATIONACTIONTYPE_NOT_SET -> {
                    // nothing to carry out
                }
            }
        }
        return new CompleteEntityWork(item.entityId(), item.workSeq(), item.requestIds(), results,
                result.hasEntityState() ? ProtocolMapping.json(result.getEntityState()) : null, actions,
                result.hasFailureDetails() ? ProtocolMapping.failure(result.getFailureDetails()) : null);
    }
}
