package io.durablekafka.gateway.views;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.status.InstanceStatus;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A filtered, key-ordered walk over the durable entities of a view: the entity list of the HTTP API.
 *
 * <p>Entities share the view with orchestration instances: the node publishes each entity's state to the
 * {@code status} topic under its entity ID {@code @name@key} (name in lower case), with {@code output} = the
 * state and {@code lastUpdatedTime} = the time of its last operation. Every entity ID starts with '@', and the
 * entities of one name with {@code @name@} (a name never contains '@'), so the walk is a prefix seek and pages
 * work like those of {@link InstanceQuery}: never repeated, never skipped, at most {@code scanBudget} visits.
 *
 * <p>An entity exists while it has a state: a record without one (null or JSON {@code null}) is not listed,
 * as the Durable Functions extension leaves out entities without state.
 *
 * @param name              only entities of this name (any case; null: every entity)
 * @param lastOperationFrom only entities whose last operation was at or after it (null: no bound)
 * @param lastOperationTo   only entities whose last operation was at or before it (null: no bound)
 */
public record EntityQuery(String name, Instant lastOperationFrom, Instant lastOperationTo)
        implements Predicate<InstanceView> {

    public EntityQuery {
        name = name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** The key prefix of the entities this query lists: {@code @} or {@code @name@}. */
    public String idPrefix() {
        return name == null ? "@" : "@" + name + "@";
    }

    @Override
    public boolean test(InstanceView view) {
        if (view.isPendingStart() || !hasState(view.status())) {
            return false;
        }
        Instant last = view.status().lastUpdatedTime();
        if (lastOperationFrom != null && (last == null || last.isBefore(lastOperationFrom))) {
            return false;
        }
        return lastOperationTo == null || (last != null && !last.isAfter(lastOperationTo));
    }

    /** Reads one page of at most {@code top} entities after the entity ID {@code afterId} (null: from the start). */
    public InstanceQuery.Page page(ViewStore store, String afterId, int top, int scanBudget) {
        return InstanceQuery.page(store, idPrefix(), false, afterId, top, scanBudget, this);
    }

    /** Whether an entity's status record holds a state (the entity exists). */
    public static boolean hasState(InstanceStatus status) {
        return state(status) != null;
    }

    /** The entity's state from its status record, or null when it has none. */
    public static JsonNode state(InstanceStatus status) {
        JsonNode s = status == null ? null : status.output();
        return s == null || s.isNull() || s.isMissingNode() ? null : s;
    }
}
