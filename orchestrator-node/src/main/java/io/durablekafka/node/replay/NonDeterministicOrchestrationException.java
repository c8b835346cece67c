package io.durablekafka.node.replay;

/**
 * Orchestrator code did something else on replay than what its history records. An Error, so that
 * orchestration code catching exceptions does not swallow it; the instance fails either way.
 */
public final class NonDeterministicOrchestrationException extends Error {
    public NonDeterministicOrchestrationException(String message) {
        super(message);
    }
}
