package io.durablekafka.client;

/**
 * How to start an orchestration.
 *
 * @param instanceId the instance ID, or null for one the gateway generates (32 lowercase hex characters). An ID of
 *                   an active instance is refused ({@code ConflictException}); a terminal one is replaced.
 * @param input      the input, any value Jackson writes as JSON, or null
 */
public record NewOrchestrationInstanceOptions(String instanceId, Object input) {

    public static NewOrchestrationInstanceOptions defaults() {
        return new NewOrchestrationInstanceOptions(null, null);
    }

    public NewOrchestrationInstanceOptions withInstanceId(String id) {
        return new NewOrchestrationInstanceOptions(id, input);
    }

    public NewOrchestrationInstanceOptions withInput(Object value) {
        return new NewOrchestrationInstanceOptions(instanceId, value);
    }
}
