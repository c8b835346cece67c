package io.durablekafka.gateway.api;

import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.gateway.views.InstanceView;

/**
 * How the gateway answers a command that the instance's status refuses. Whether a status allows a command is the
 * rule book's ({@link InstanceCommand#verdict}, shared with the nodes); which HTTP status a refusal gets is this
 * class's, following the Durable Functions extension.
 */
final class CommandRefusals {

    private CommandRefusals() {
    }

    /**
     * Returns when the command may be sent, else throws the refusal. A command that would change nothing
     * ({@link InstanceCommand.Verdict#NO_OP}, e.g. resuming a running instance) is accepted and still sent, as in
     * Azure: the view may lag behind the node, which applies the same rule book to the state it really has.
     *
     * @param view the instance as the view shows it, or null when there is none
     * @throws ApiException 404 unknown, 409 a start for an active instance, 410 ended, 412 a purge of an active
     *                      instance or a rewind of one that is not Failed
     */
    static void check(InstanceCommand command, String instanceId, InstanceView view) {
        RuntimeStatus status = view == null ? null : view.runtimeStatus();
        switch (command.verdict(status)) {
            case APPLY, NO_OP -> {
            }
            case NOT_FOUND -> throw notFound(instanceId);
            case ENDED -> throw new ApiException(410, "InstanceEnded", "The instance '" + instanceId + "' is " + status
                    + ended(command));
            case ACTIVE -> throw command == InstanceCommand.START
                    ? new ApiException(409, "InstanceAlreadyExists", "An instance with ID '" + instanceId
                            + "' already exists and is " + status + ".")
                    : new ApiException(412, "InstanceNotEnded", "Only orchestrations in a terminal state can be "
                            + "purged, but the orchestration with instance ID " + instanceId + " has status " + status + ".");
            case NOT_FAILED -> throw new ApiException(412, "InstanceNotFailed", "This orchestration has status "
                    + status + ", but only orchestrations in the \"Failed\" state can be rewound.");
        }
    }

    static ApiException notFound(String instanceId) {
        return new ApiException(404, "InstanceNotFound", "No instance with ID '" + instanceId + "' was found.");
    }

    private static String ended(InstanceCommand command) {
        return switch (command) {
            case RAISE_EVENT -> " and cannot process raised events.";
            case TERMINATE -> " and cannot be terminated.";
            case SUSPEND -> " and cannot be suspended.";
            case RESUME -> " and cannot be resumed.";
            case REWIND -> ": only Failed instances can be rewound.";
            case START, PURGE -> "."; // the rule book never refuses these as ended
        };
    }
}
