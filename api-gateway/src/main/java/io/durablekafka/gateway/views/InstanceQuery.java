package io.durablekafka.gateway.views;

import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.EntityInstanceId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A filtered, key-ordered walk over the orchestration instances of a view: the list query of the HTTP API and the
 * selection of a multi-instance purge. Durable entities are never part of it. Pages work as {@link Page} says.
 *
 * <p>A filtered query walks the status index ({@link StatusIndex}): a filter on runtime statuses visits only the
 * instances that have one of them (a filter that matches nothing costs a seek per status), and the created-time
 * filters are checked on the created time the index holds; index entries are a few bytes, so a visit is cheap.
 * Only matches are looked up and decoded. A query without those filters reads the records in order instead, since
 * every instance it visits is a match.
 *
 * @param idPrefix      only IDs starting with it ({@code ""}: all)
 * @param createdFrom   only instances created at or after it (null: no bound)
 * @param createdTo     only instances created at or before it (null: no bound)
 * @param statuses      only these runtime statuses (null or empty: any)
 */
public record InstanceQuery(String idPrefix, Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses)
        implements Predicate<ListedInstance> {

    public InstanceQuery {
        idPrefix = idPrefix == null ? "" : idPrefix;
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    /**
     * The statuses to walk in the index (every status a match may have), or none to walk the records: when nothing
     * but the ID prefix filters.
     */
    private Set<RuntimeStatus> walked() {
        if (!statuses.isEmpty()) {
            return statuses;
        }
        return createdFrom == null && createdTo == null ? Set.of() : EnumSet.allOf(RuntimeStatus.class);
    }

    @Override
    public boolean test(ListedInstance instance) {
        return matches(instance.runtimeStatus(), instance.createdTime());
    }

    /** Whether the instance is one the query lists (live streams of a hub filter changes with it). */
    public boolean matches(InstanceView view) {
        return !EntityInstanceId.isEntityId(view.instanceId()) && view.instanceId().startsWith(idPrefix)
                && matches(view.runtimeStatus(), view.status().createdTime());
    }

    private boolean matches(RuntimeStatus runtimeStatus, Instant created) {
        if (!statuses.isEmpty() && !statuses.contains(runtimeStatus)) {
            return false;
        }
        if (createdFrom != null && (created == null || created.isBefore(createdFrom))) {
            return false;
        }
        return createdTo == null || (created != null && !created.isAfter(createdTo));
    }

    /** Reads one page of at most {@code top} matches after {@code afterId} (null: from the start). */
    public Page<InstanceView> page(ViewStore store, String afterId, int top, int scanBudget) {
        Set<RuntimeStatus> walked = walked();
        return Page.read(visitor -> store.forEachInstance(idPrefix, walked, afterId, visitor), this, top, scanBudget);
    }

    /** Every match, in instance ID order, from one snapshot (no page limits: for a purge). */
    public void forEachMatch(ViewStore store, Consumer<InstanceView> action) {
        store.forEachInstance(idPrefix, walked(), null, listed -> {
            if (test(listed)) {
                InstanceView view = listed.view();
                if (view != null) {
                    action.accept(view);
                }
            }
            return true;
        });
    }
}
