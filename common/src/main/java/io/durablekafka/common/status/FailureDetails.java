package io.durablekafka.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Why a task or an orchestration failed: exception type, message and stack, with the cause if any. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailureDetails(String errorType, String errorMessage, String stackTrace, FailureDetails innerFailure) {

    public static FailureDetails of(Throwable t) {
        var sw = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(sw));
        FailureDetails inner = t.getCause() != null && t.getCause() != t ? of(t.getCause()) : null;
        return new FailureDetails(t.getClass().getName(), String.valueOf(t.getMessage()), sw.toString(), inner);
    }

    public static FailureDetails of(String errorType, String message) {
        return new FailureDetails(errorType, message, null, null);
    }

    public boolean isCausedBy(Class<? extends Throwable> type) {
        if (type.getName().equals(errorType)) {
            return true;
        }
        return innerFailure != null && innerFailure.isCausedBy(type);
    }
}
