package io.durablekafka.gateway.api;

import io.durablekafka.common.status.RuntimeStatus;
import java.util.Objects;
import java.util.Set;

/**
 * What a start does when an instance of its ID exists: the Durable Task protocol's {@code OrchestrationIdReusePolicy}
 * with the meaning durabletask-go gives it. When the existing instance's status is one of {@code statuses},
 * {@code action} decides: {@link Action#ERROR} refuses (409), {@link Action#IGNORE} starts nothing and answers with
 * the existing instance, {@link Action#TERMINATE} replaces it (an active one is terminated first). An instance in any
 * other status, active or ended, is refused (409). Starts without a policy follow the rule book
 * ({@link io.durablekafka.common.status.InstanceCommand#START}): an active instance is refused, an ended one replaced.
 *
 * @param statuses the statuses the action applies to (the protocol's {@code operationStatus})
 */
public record IdReusePolicy(Set<RuntimeStatus> statuses, Action action) {

    public enum Action { ERROR, IGNORE, TERMINATE }

    public IdReusePolicy {
        statuses = Set.copyOf(statuses);
        Objects.requireNonNull(action, "action");
    }

    /** What a start does with an existing instance in {@code status} (null: a start not processed yet, Pending). */
    Action decide(RuntimeStatus status) {
        return statuses.contains(status == null ? RuntimeStatus.Pending : status) ? action : Action.ERROR;
    }
}
