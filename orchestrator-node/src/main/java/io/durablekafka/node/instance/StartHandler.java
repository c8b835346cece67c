package io.durablekafka.node.instance;

import io.durablekafka.common.messages.FailSubOrchestration;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.node.replay.OrchestrationRunner;
import java.time.Instant;
import java.util.List;

/**
 * Starts an execution: for a new instance, or one that replaces an ended instance with the same ID. A start with
 * a future {@code scheduledStartTime} leaves the instance Pending with a timer (ID {@link #SCHEDULED_START_TIMER})
 * that starts it.
 */
final class StartHandler implements MessageHandler<StartOrchestration> {

    /** Timer ID of a scheduled start; task IDs of executions are never negative. */
    static final int SCHEDULED_START_TIMER = -1;

    private final ExecutionSteps steps;
    private final OrchestrationRunner runner;

    StartHandler(ExecutionSteps steps, OrchestrationRunner runner) {
        this.steps = steps;
        this.runner = runner;
    }

    @Override
    public String handle(InstanceDraft d, StartOrchestration s) {
        if (s.name() == null || s.name().isBlank()) {
            return "StartOrchestration for '" + d.instanceId() + "' has no orchestration name";
        }
        if (InstanceCommand.START.verdict(d.exists() ? d.status() : null) != InstanceCommand.Verdict.APPLY) {
            String reason = "instance '" + d.instanceId() + "' is already " + d.status()
                    + "; a start is only accepted for new or ended instances";
            if (s.parent() != null) {
                // A parent waits for this child: tell it, or it would wait forever. No state changes here.
                var p = s.parent();
                d.send(new FailSubOrchestration(p.instanceId(), p.executionId(), p.taskId(),
                        FailureDetails.of("InstanceAlreadyExists", reason)));
            }
            return reason;
        }
        runner.forget(d.instanceId());
        d.newExecution(s.name(), ExecutionSteps.firstExecutionId(d.instanceId(), d.inputOffset(), s.name()), s.input(),
                s.parent(), s.requestedTime() != null ? s.requestedTime() : d.now());
        d.setCallbackUrl(s.callbackUrl());
        d.setTraceContext(s.traceContext());
        d.setVersionAndTags(s.version(), s.tags());
        Instant at = s.scheduledStartTime();
        if (at != null && at.isAfter(d.now())) {
            d.armTimer(SCHEDULED_START_TIMER, at);
            return null;
        }
        steps.startNew(d, List.of());
        return null;
    }
}
