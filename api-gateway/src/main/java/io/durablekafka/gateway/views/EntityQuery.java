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
 * @param idStart           only entities whose ID starts with it (null: as {@code name} says); see
 *                          {@link #startingWith}
 */
public record EntityQuery(String name, Instant lastOperationFrom, Instant lastOperationTo, String idStart)
        implements Predicate<ListedEntity> {

    private static final String ANY = String.valueOf((char) EntityInstanceId.ID_START);

    public EntityQuery {
        name = name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** The entities of one name (null: all). */
    public EntityQuery(String name, Instant lastOperationFrom, Instant lastOperationTo) {
        this(name, lastOperationFrom, lastOperationTo, null);
    }

    /**
     * The entities whose ID starts with {@code instanceIdPrefix} (the Durable Task protocol's
     * {@code instanceIdStartsWith}): {@code @counter@a} lists the keys of {@code counter} starting with {@code a},
     * {@code @co} the entities whose name starts with {@code co}. The name part is matched in lower case, as IDs
     * hold it; a prefix without the leading '@' is taken as the start of a name.
     */
    public static EntityQuery startingWith(String instanceIdPrefix, Instant lastOperationFrom,
                                           Instant lastOperationTo) {
        String p = instanceIdPrefix == null ? "" : instanceIdPrefix;
        if (!p.startsWith(ANY)) {
            p = ANY + p;
        }
        int keyStart = p.indexOf(EntityInstanceId.ID_START, 1);
        String start = keyStart < 0 ? p.toLowerCase(Locale.ROOT)
                : p.substring(0, keyStart).toLowerCase(Locale.ROOT) + p.substring(keyStart);
        return new EntityQuery(null, lastOperationFrom, lastOperationTo, start);
    }

    /** The key prefix of the entities this query lists: {@code @}, {@code @name@} or {@link #idStart}. */
    public String idPrefix() {
        if (idStart != null) {
            return idStart;
        }
        return name == null ? ANY : new EntityInstanceId(name, "").toString();
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
