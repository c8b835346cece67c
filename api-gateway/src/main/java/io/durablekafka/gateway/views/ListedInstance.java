package io.durablekafka.gateway.views;

import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.function.Supplier;

/** An instance met by a list walk: its status and created time as clients see them (pending starts merged). */
public final class ListedInstance implements Listed<InstanceView> {

    private final String instanceId;
    private final RuntimeStatus runtimeStatus;
    private final Instant createdTime;
    private final Supplier<InstanceView> view;

    ListedInstance(String instanceId, RuntimeStatus runtimeStatus, Instant createdTime, Supplier<InstanceView> view) {
        this.instanceId = instanceId;
        this.runtimeStatus = runtimeStatus;
        this.createdTime = createdTime;
        this.view = view;
    }

    @Override
    public String id() {
        return instanceId;
    }

    public RuntimeStatus runtimeStatus() {
        return runtimeStatus;
    }

    /** Null when the instance has none. */
    public Instant createdTime() {
        return createdTime;
    }

    /** The instance, or null when its stored record cannot be read (it is then left out). */
    @Override
    public InstanceView view() {
        return view.get();
    }
}
