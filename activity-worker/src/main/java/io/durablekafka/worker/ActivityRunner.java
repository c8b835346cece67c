package io.durablekafka.worker;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.sdk.FunctionRegistry;
import io.durablekafka.sdk.TaskActivity;

/** Runs the activity a request names and turns what happens into the message for its orchestration. */
public final class ActivityRunner {

    public static final String ACTIVITY_NOT_FOUND = "ActivityNotFound";

    private final FunctionRegistry registry;

    public ActivityRunner(FunctionRegistry registry) {
        this.registry = registry;
    }

    /**
     * A {@link CompleteTask} with the return value or a {@link FailTask} with what the activity threw. If the
     * activity was interrupted, the interrupt flag is set again so that the caller can tell a worker shutdown
     * from a failure of the activity.
     */
    public OrchestrationMessage run(ActivityRequest request, String taskQueue) {
        TaskActivity activity = registry.activity(request.name()).orElse(null);
        if (activity == null) {
            return fail(request, FailureDetails.of(ACTIVITY_NOT_FOUND, "activity '" + request.name()
                    + "' is not registered with the worker serving task queue '" + taskQueue + "'"));
        }
        try {
            Object value = activity.run(new ActivityCall(request));
            return new CompleteTask(request.instanceId(), request.executionId(), request.taskId(), Json.toTree(value));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(request, FailureDetails.of(e));
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            return fail(request, FailureDetails.of(e));
        } catch (Exception | LinkageError | AssertionError e) {
            // Errors such as a missing class or a failed assert are the activity's problem, not the worker's.
            return fail(request, FailureDetails.of(e));
        }
    }

    private static FailTask fail(ActivityRequest request, FailureDetails failure) {
        return new FailTask(request.instanceId(), request.executionId(), request.taskId(), failure);
    }
}
