package io.durablekafka.client.query;

import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A filter over the task hub's orchestration instances, one page at a time ({@code GET .../instances}). Start from
 * {@link #all()} and narrow it with the {@code with...} methods; pass the previous page's
 * {@link OrchestrationStatusQueryResult#continuationToken()} with {@link #withContinuationToken} for the next page.
 *
 * @param runtimeStatusList     only instances in one of these statuses; empty for any
 * @param createdTimeFrom       only instances created at or after this time, or null
 * @param createdTimeTo         only instances created at or before this time, or null
 * @param instanceIdPrefix      only instance IDs that start with this, or null
 * @param maxInstanceCount      the page size (the gateway serves at most 1000 a page)
 * @param fetchInputsAndOutputs whether the results carry inputs and outputs
 * @param continuationToken     the token of the previous page, or null for the first
 */
public record OrchestrationStatusQuery(
        Set<RuntimeStatus> runtimeStatusList,
        Instant createdTimeFrom,
        Instant createdTimeTo,
        String instanceIdPrefix,
        int maxInstanceCount,
        boolean fetchInputsAndOutputs,
        String continuationToken) {

    /** The gateway's default page size. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    public OrchestrationStatusQuery {
        runtimeStatusList = runtimeStatusList == null || runtimeStatusList.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(runtimeStatusList));
        if (maxInstanceCount < 1) {
            throw new IllegalArgumentException("maxInstanceCount must be 1 or more, was " + maxInstanceCount);
        }
    }

    /** Every instance, 100 a page, without inputs and outputs. */
    public static OrchestrationStatusQuery all() {
        return new OrchestrationStatusQuery(Set.of(), null, null, null, DEFAULT_PAGE_SIZE, false, null);
    }

    public OrchestrationStatusQuery withRuntimeStatus(RuntimeStatus... statuses) {
        return withRuntimeStatusList(List.of(statuses));
    }

    public OrchestrationStatusQuery withRuntimeStatusList(java.util.Collection<RuntimeStatus> statuses) {
        return new OrchestrationStatusQuery(statuses.isEmpty() ? Set.of() : EnumSet.copyOf(statuses), createdTimeFrom,
                createdTimeTo, instanceIdPrefix, maxInstanceCount, fetchInputsAndOutputs, continuationToken);
    }

    public OrchestrationStatusQuery withCreatedTimeFrom(Instant from) {
        return new OrchestrationStatusQuery(runtimeStatusList, from, createdTimeTo, instanceIdPrefix, maxInstanceCount,
                fetchInputsAndOutputs, continuationToken);
    }

    public OrchestrationStatusQuery withCreatedTimeTo(Instant to) {
        return new OrchestrationStatusQuery(runtimeStatusList, createdTimeFrom, to, instanceIdPrefix, maxInstanceCount,
                fetchInputsAndOutputs, continuationToken);
    }

    public OrchestrationStatusQuery withInstanceIdPrefix(String prefix) {
        return new OrchestrationStatusQuery(runtimeStatusList, createdTimeFrom, createdTimeTo, prefix, maxInstanceCount,
                fetchInputsAndOutputs, continuationToken);
    }

    public OrchestrationStatusQuery withMaxInstanceCount(int count) {
        return new OrchestrationStatusQuery(runtimeStatusList, createdTimeFrom, createdTimeTo, instanceIdPrefix, count,
                fetchInputsAndOutputs, continuationToken);
    }

    public OrchestrationStatusQuery withFetchInputsAndOutputs(boolean fetch) {
        return new OrchestrationStatusQuery(runtimeStatusList, createdTimeFrom, createdTimeTo, instanceIdPrefix,
                maxInstanceCount, fetch, continuationToken);
    }

    public OrchestrationStatusQuery withContinuationToken(String token) {
        return new OrchestrationStatusQuery(runtimeStatusList, createdTimeFrom, createdTimeTo, instanceIdPrefix,
                maxInstanceCount, fetchInputsAndOutputs, token);
    }
}
