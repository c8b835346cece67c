package io.durablekafka.gateway.views;

import io.durablekafka.sdk.EntityInstanceId;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A filtered, key-ordered walk over the durable entities of a view: the entity list of the HTTP API. Pages work as
 * {@link Page} says.
 *
 * <p>Entities are stored under their IDs {@code @name@key} (name in lower case, never containing '@'), so the
 * entities of one name are the key range {@code @name@}: the walk is a prefix seek. An entity exists while it has
 * a state: records without one are not listed, as the Durable Functions extension leaves out entities without
 * state.
 *
 * @param name              only entities of this name (any case; null: every entity)
 * @param lastOperationFrom only entities whose last operation was at or after it (null: no bound)
 * @param lastOperationTo   only entities whose last operation was at or before it (null: no bound)
 */
public record EntityQuery(String name, Instant lastOperationFrom, Instant lastOperationTo)
        implements Predicate<ListedEntity> {

    public EntityQuery {
        name = name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** The key prefix of the entities this query lists: {@code @} or {@code @name@}. */
    public String idPrefix() {
        return name == null ? String.valueOf((char) EntityInstanceId.ID_START) : new EntityInstanceId(name, "").toString();
    }

    @Override
    public boolean test(ListedEntity entity) {
        if (!entity.exists()) {
            return false;
        }
        Instant last = entity.lastModifiedTime();
        if (lastOperationFrom != null && (last == null || last.isBefore(lastOperationFrom))) {
            return false;
        }
        return lastOperationTo == null || (last != null && !last.isAfter(lastOperationTo));
    }

    /** Reads one page of at most {@code top} entities after the entity ID {@code afterId} (null: from the start). */
    public Page<EntityView> page(ViewStore store, String afterId, int top, int scanBudget) {
        return Page.read(visitor -> store.forEachEntity(idPrefix(), afterId, visitor), this, top, scanBudget);
    }
}
