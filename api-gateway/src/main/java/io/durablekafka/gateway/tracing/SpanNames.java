package io.durablekafka.gateway.tracing;

import java.util.Map;

/**
 * Span names of API operations: the management API's ({@code Management.StartOrchestration},
 * {@code Management.GetStatus}, {@code Management.RaiseEvent}) for what it names, the same pattern for the rest
 * ({@code Management.} + the operation, capitalized). The webhook routes, their 1.x twins ({@code ...V1}) and the
 * {@code /runtime/orchestrations} routes of one operation share a name.
 */
final class SpanNames {

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("startOrchestration", "StartOrchestration"),
            Map.entry("startOrchestrationWithId", "StartOrchestration"),
            Map.entry("managementStart", "StartOrchestration"),
            Map.entry("getInstanceStatus", "GetStatus"),
            Map.entry("managementGetStatus", "GetStatus"),
            Map.entry("raiseEvent", "RaiseEvent"),
            Map.entry("managementRaiseEvent", "RaiseEvent"),
            Map.entry("terminateInstance", "TerminateOrchestration"),
            Map.entry("managementTerminate", "TerminateOrchestration"),
            Map.entry("suspendInstance", "SuspendOrchestration"),
            Map.entry("resumeInstance", "ResumeOrchestration"),
            Map.entry("rewindInstance", "RewindOrchestration"),
            Map.entry("restartInstance", "RestartOrchestration"),
            Map.entry("purgeInstance", "PurgeInstance"),
            Map.entry("managementPurge", "PurgeInstance"),
            Map.entry("purgeInstances", "PurgeInstances"),
            Map.entry("listInstances", "ListInstances"));

    private SpanNames() {
    }

    static String of(String operation) {
        String op = operation.endsWith("V1") ? operation.substring(0, operation.length() - 2) : operation;
        String known = NAMES.get(op);
        if (known != null) {
            return "Management." + known;
        }
        return "Management." + (op.isEmpty() ? op : Character.toUpperCase(op.charAt(0)) + op.substring(1));
    }
}
