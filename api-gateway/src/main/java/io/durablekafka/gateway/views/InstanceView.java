package io.durablekafka.gateway.views;

import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;

/**
 * One instance as the gateway shows it: the node's latest status, or, when a start was accepted that the
 * status does not reflect yet, a Pending status made from that start.
 *
 * @param status  what to show (for a pending start: name, input and {@code createdTime = requestedTime})
 * @param pending the accepted start that status is made from, or null when {@code status} is the node's
 */
public record InstanceView(InstanceStatus status, PendingStart pending) {

    public String instanceId() {
        return status.instanceId();
    }

    public RuntimeStatus runtimeStatus() {
        return status.runtimeStatus();
    }

    public boolean isPendingStart() {
        return pending != null;
    }

    /** Active instances (not Completed/Failed/Terminated/Canceled) must not be replaced by a new start. */
    public boolean isActive() {
        return status.runtimeStatus() == null || status.runtimeStatus().isActive();
    }
}
