package io.durablekafka.node.replay;

import io.durablekafka.sdk.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code allOf} and {@code anyOf}. */
final class CompositeTasks {

    private CompositeTasks() {
    }

    static final class AllOf<V> extends DurableTask<List<V>> {
        private final List<Task<V>> tasks;
        private int pending;
        private RuntimeException failure;

        AllOf(ExecutionContext ctx, List<Task<V>> tasks) {
            super(ctx);
            this.tasks = List.copyOf(tasks);
            if (this.tasks.isEmpty()) {
                markDone();
                return;
            }
            pending = this.tasks.size();
            for (Task<V> t : this.tasks) {
                ((DurableTask<V>) t).whenDone(this::childDone);
            }
        }

        /** Counts completions instead of checking every child each time: a fan-in of N stays O(N). */
        private void childDone() {
            if (isDone() || --pending > 0) {
                return;
            }
            tasks.stream().map(t -> (DurableTask<V>) t).filter(Task::isFailed)
                    .min(Comparator.comparingLong(DurableTask::completedSeq))
                    .ifPresent(first -> failure = failureOf(first));
            markDone();
        }

        @Override
        public boolean isFailed() {
            return failure != null;
        }

        @Override
        protected List<V> result() {
            if (failure != null) {
                throw failure;
            }
            List<V> results = new ArrayList<>(tasks.size());
            for (Task<V> t : tasks) {
                results.add(((DurableTask<V>) t).result());
            }
            return results;
        }
    }

    static final class AnyOf extends DurableTask<Task<?>> {
        private Task<?> winner;

        AnyOf(ExecutionContext ctx, List<Task<?>> tasks) {
            super(ctx);
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("anyOf needs at least one task");
            }
            // Register in list order; the first child to complete (in history order) triggers completion.
            for (Task<?> t : tasks) {
                ((DurableTask<?>) t).whenDone(() -> {
                    if (!isDone()) {
                        winner = t;
                        markDone();
                    }
                });
                if (isDone()) {
                    // Several children were already done: the earliest completion wins, as it did live.
                    winner = tasks.stream().filter(Task::isDone).map(x -> (DurableTask<?>) x)
                            .min(Comparator.comparingLong(DurableTask::completedSeq)).orElseThrow();
                    break;
                }
            }
        }

        @Override
        public boolean isFailed() {
            return false;
        }

        @Override
        protected Task<?> result() {
            return winner;
        }
    }

    static RuntimeException failureOf(DurableTask<?> task) {
        try {
            task.result();
            return new IllegalStateException("task reported failure without an exception");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
