package io.durablekafka.common.status;

/**
 * What can be done to an orchestration instance, and which runtime status allows it: the one rule book for the
 * gateway (which answers the HTTP status code) and the node (which applies, ignores or dead-letters a command).
 */
public enum InstanceCommand {
    START, RAISE_EVENT, TERMINATE, SUSPEND, RESUME, REWIND, PURGE;

    /** The outcome of a command for an instance in a given status. */
    public enum Verdict {
        /** The command changes the instance. */
        APPLY,
        /** Accepted, but nothing to change (suspending a suspended instance, say). */
        NO_OP,
        /** There is no such instance. */
        NOT_FOUND,
        /** Refused: the instance is still active (a start for its ID, a purge). */
        ACTIVE,
        /** Refused: the instance has ended. */
        ENDED,
        /** Refused: only Failed instances rewind. */
        NOT_FAILED
    }

    /** The verdict for an instance in {@code status} (null: the instance does not exist). */
    public Verdict verdict(RuntimeStatus status) {
        if (status == null) {
            return this == START ? Verdict.APPLY : Verdict.NOT_FOUND;
        }
        boolean ended = status.isTerminal();
        return switch (this) {
            case START -> ended ? Verdict.APPLY : Verdict.ACTIVE;
            case RAISE_EVENT, TERMINATE -> ended ? Verdict.ENDED : Verdict.APPLY;
            case SUSPEND -> ended ? Verdict.ENDED : status == RuntimeStatus.Running ? Verdict.APPLY : Verdict.NO_OP;
            case RESUME -> ended ? Verdict.ENDED : status == RuntimeStatus.Suspended ? Verdict.APPLY : Verdict.NO_OP;
            case REWIND -> status == RuntimeStatus.Failed ? Verdict.APPLY : ended ? Verdict.ENDED : Verdict.NOT_FAILED;
            case PURGE -> ended ? Verdict.APPLY : Verdict.ACTIVE;
        };
    }
}
