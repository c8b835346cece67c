package io.durablekafka.gateway.views;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of a list: the matches, in ID order, and where the next page starts.
 *
 * <p>Pages are key ranges: a page visits items in ID order strictly after the previous page's {@code resume} and
 * stops after {@code top} matches, or once it has visited {@code scanBudget} items (then it may hold fewer than
 * {@code top} matches, even none, and still say there are more). So a page never costs more than
 * {@code scanBudget} visits whatever the number of stored items, consecutive pages never repeat or skip an item
 * that exists throughout, and items created meanwhile appear when their ID sorts after the page boundary. A visit
 * costs no decoding: only matches are decoded.
 *
 * @param items  the matches, in ID order
 * @param resume where the next page starts (strictly after this ID), or null when there is nothing more
 * @param <T>    the item
 */
public record Page<T>(List<T> items, String resume) {

    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return resume != null;
    }

    /** A walk over listed items in ID order that stops when its visitor returns false. */
    @FunctionalInterface
    interface Walk<L> {
        void forEach(Predicate<L> visitor);
    }

    /** Reads one page of at most {@code top} items that pass {@code filter} from {@code walk}. */
    static <T, L extends Listed<T>> Page<T> read(Walk<L> walk, Predicate<? super L> filter, int top, int scanBudget) {
        if (top < 1 || scanBudget < 1) {
            throw new IllegalArgumentException("top and scanBudget must be positive");
        }
        List<T> items = new ArrayList<>(Math.min(top, 1024));
        String[] lastItem = {null};
        String[] lastVisited = {null};
        String[] resume = {null};
        int[] visited = {0};
        walk.forEach(listed -> {
            visited[0]++;
            boolean match = filter.test(listed);
            if (items.size() == top) {
                // Looking ahead for one more match: only to know whether to hand out a continuation.
                if (match || visited[0] >= scanBudget) {
                    resume[0] = lastItem[0];
                    return false;
                }
                return true;
            }
            lastVisited[0] = listed.id();
            if (match) {
                T item = listed.view();
                if (item != null) {
                    items.add(item);
                    lastItem[0] = listed.id();
                }
            }
            if (items.size() < top && visited[0] >= scanBudget) {
                resume[0] = lastVisited[0];
                return false;
            }
            return true;
        });
        return new Page<>(items, resume[0]);
    }
}
