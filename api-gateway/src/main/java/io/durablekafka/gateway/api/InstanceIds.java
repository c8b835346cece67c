package io.durablekafka.gateway.api;

import java.util.UUID;

/** Instance IDs: the ones clients may choose, and the ones the gateway generates. */
public final class InstanceIds {

    public static final int MAX_LENGTH = 256;

    private InstanceIds() {
    }

    /** A random ID: a UUID as 32 lowercase hex characters, without dashes. */
    public static String generate() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Why the ID is not valid, or null when it is. */
    public static String problem(String instanceId) {
        if (instanceId == null || instanceId.isEmpty()) {
            return "The instance ID must not be empty.";
        }
        if (instanceId.length() > MAX_LENGTH) {
            return "The instance ID is " + instanceId.length() + " characters long; at most " + MAX_LENGTH
                    + " are allowed.";
        }
        for (int i = 0; i < instanceId.length(); i++) {
            char c = instanceId.charAt(i);
            if (c == '/' || c == '\\' || c == '#' || c == '?') {
                return "The instance ID must not contain '" + c + "'.";
            }
            if (Character.isISOControl(c)) {
                return "The instance ID must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + ").";
            }
        }
        return null;
    }

    /** @throws ApiException 400 InvalidInstanceId when the ID is not valid */
    public static String validate(String instanceId) {
        String problem = problem(instanceId);
        if (problem != null) {
            throw ApiException.badRequest("InvalidInstanceId", problem);
        }
        return instanceId;
    }
}
