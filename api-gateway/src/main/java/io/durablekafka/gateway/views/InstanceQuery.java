package io.durablekafka.gateway.views;

import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A filtered, key-ordered walk over the instances of a view: the list query of the HTTP API and the
 * selection of a multi-instance purge.
 *
 * <p>Pages are key ranges: a page visits instances in instance ID order strictly after {@code afterId} and
 * stops after {@code top} matches, or once it has visited {@code scanBudget} instances (then it may hold
 * fewer than {@code top} matches, even none, and still say there are more). So a page never costs more than
 * {@code scanBudget} visits whatever the number of stored instances, consecutive pages never repeat or skip
 * an instance that exists throughout, and instances created meanwhile appear when their ID sorts after the
 * page boundary.
 *
 * @param idPrefix      only IDs starting with it ({@code ""}: all)
 * @param createdFrom   only instances created at or after it (null: no bound)
 * @param createdTo     only instances created at or before it (null: no bound)
 * @param statuses      only these runtime statuses (null or empty: any)
 * @param terminalOnly  only Completed, Failed, Terminated and Canceled instances
 */
public record InstanceQuery(String idPrefix, Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses,
                            boolean terminalOnly) implements Predicate<InstanceView> {

    public InstanceQuery {
        idPrefix = idPrefix == null ? "" : idPrefix;
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    @Override
    public boolean test(InstanceView view) {
        InstanceStatus s = view.status();
        RuntimeStatus rs = s.runtimeStatus();
        if (terminalOnly && (rs == null || !rs.isTerminal())) {
            return false;
        }
        if (!statuses.isEmpty() && (rs == null || !statuses.contains(rs))) {
            return false;
        }
        Instant created = s.createdTime();
        if (createdFrom != null && (created == null || created.isBefore(createdFrom))) {
            return false;
        }
        return createdTo == null || (created != null && !created.isAfter(createdTo));
    }

    /**
     * One page.
     *
     * @param items   the matches, in instance ID order
     * @param resume  where the next page starts (strictly after this ID), or null when there is nothing more
     */
    public record Page(List<InstanceView> items, String resume) {

        public boolean hasMore() {
            return resume != null;
        }
    }

    /**
     * Reads one page of at most {@code top} matches after {@code afterId} (null: from the start). Durable
     * entities (IDs starting with '@') share the view but are never listed: their key range is skipped.
     */
    public Page page(ViewStore store, String afterId, int top, int scanBudget) {
        return page(store, idPrefix, true, afterId, top, scanBudget, this);
    }

    /**
     * One page of the views under {@code idPrefix} in ID order, strictly after {@code afterId}, holding the
     * first {@code top} views that pass {@code filter}, having visited at most {@code scanBudget} views (see
     * the class comment): the paging of instance and entity lists alike.
     *
     * @param skipEntities leave out IDs starting with '@' (entities) at the cost of one seek
     */
    public static Page page(ViewStore store, String idPrefix, boolean skipEntities, String afterId, int top,
                            int scanBudget, Predicate<InstanceView> filter) {
        if (top < 1 || scanBudget < 1) {
            throw new IllegalArgumentException("top and scanBudget must be positive");
        }
        List<InstanceView> items = new ArrayList<>(Math.min(top, 1024));
        String[] lastVisited = {null};
        String[] resume = {null};
        int[] visited = {0};
        store.forEachInstance(idPrefix, afterId, skipEntities, view -> {
            visited[0]++;
            boolean match = filter.test(view);
            if (items.size() == top) {
                // Looking ahead for one more match: only to know whether to hand out a continuation.
                if (match || visited[0] >= scanBudget) {
                    resume[0] = items.getLast().instanceId();
                    return false;
                }
                return true;
            }
            lastVisited[0] = view.instanceId();
            if (match) {
                items.add(view);
            }
            if (items.size() < top && visited[0] >= scanBudget) {
                resume[0] = lastVisited[0];
                return false;
            }
            return true;
        });
        return new Page(List.copyOf(items), resume[0]);
    }
}
