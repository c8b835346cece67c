package io.durablekafka.common.status;

import java.util.EnumSet;
import java.util.Set;

/**
 * Runtime status of an orchestration instance, with the transitions the engine allows. The names are the
 * ones the Durable Functions HTTP API shows in {@code runtimeStatus}.
 */
public enum RuntimeStatus {
    Pending, Running, Suspended, ContinuedAsNew, Completed, Failed, Canceled, Terminated;

    public boolean isTerminal() {
        return this == Completed || this == Failed || this == Canceled || this == Terminated;
    }

    /** Active instances are the ones a new start with the same ID must not replace. */
    public boolean isActive() {
        return !isTerminal();
    }

    public boolean canTransitionTo(RuntimeStatus next) {
        return switch (this) {
            case Pending -> EnumSet.of(Running, Suspended, Completed, Failed, Terminated).contains(next);
            case Running -> EnumSet.of(Running, Suspended, ContinuedAsNew, Completed, Failed, Terminated).contains(next);
            case ContinuedAsNew -> EnumSet.of(Running, Suspended, ContinuedAsNew, Completed, Failed, Terminated).contains(next);
            case Suspended -> EnumSet.of(Running, Suspended, Terminated).contains(next);
            // A terminal instance may only be revived by a new start (reuse of the ID) or a rewind.
            case Completed, Canceled, Terminated -> next == Pending || next == Running;
            case Failed -> next == Pending || next == Running;
        };
    }

    public static final Set<RuntimeStatus> WAITING_FOR_COMPLETION = EnumSet.of(Pending, Running, ContinuedAsNew, Suspended);

    /** Parses a status name case-insensitively, as the HTTP API's {@code runtimeStatus} filter does. */
    public static RuntimeStatus parse(String name) {
        for (RuntimeStatus s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown runtimeStatus '" + name + "'");
    }
}
