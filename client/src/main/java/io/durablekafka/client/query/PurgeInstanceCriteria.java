package io.durablekafka.client.query;

import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which ended instances {@code purgeInstances} deletes. Only terminal instances (Completed, Failed, Terminated,
 * Canceled) are ever purged; a non-terminal status in the list matches nothing.
 *
 * @param createdTimeFrom   required, as in the HTTP API: instances created at or after this time
 * @param createdTimeTo     instances created at or before this time; null for now
 * @param runtimeStatusList only these statuses; empty for every terminal one
 */
public record PurgeInstanceCriteria(Instant createdTimeFrom, Instant createdTimeTo, Set<RuntimeStatus> runtimeStatusList) {

    public PurgeInstanceCriteria {
        Objects.requireNonNull(createdTimeFrom, "createdTimeFrom is required");
        runtimeStatusList = runtimeStatusList == null || runtimeStatusList.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(runtimeStatusList));
    }

    /** Every ended instance created at or after {@code from}. */
    public static PurgeInstanceCriteria createdFrom(Instant from) {
        return new PurgeInstanceCriteria(from, null, Set.of());
    }

    public PurgeInstanceCriteria withCreatedTimeTo(Instant to) {
        return new PurgeInstanceCriteria(createdTimeFrom, to, runtimeStatusList);
    }

    public PurgeInstanceCriteria withRuntimeStatus(RuntimeStatus... statuses) {
        return new PurgeInstanceCriteria(createdTimeFrom, createdTimeTo,
                statuses.length == 0 ? Set.of() : EnumSet.copyOf(List.of(statuses)));
    }
}
