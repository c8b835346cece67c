package io.durablekafka.client;

/**
 * How to start an orchestration.
 *
 * @param instanceId  the instance ID, or null for one the gateway generates (32 lowercase hex characters). An ID of
 *                    an active instance is refused ({@code ConflictException}); a terminal one is replaced.
 * @param input       the input, any value Jackson writes as JSON, or null
 * @param callbackUrl a URL the cluster POSTs the instance's final status to when it ends (a signed completion
 *                    webhook, see docs/http-api.md), or null. The gateway refuses a URL its callback policy does
 *                    not allow ({@code InvalidRequestException})
 */
public record NewOrchestrationInstanceOptions(String instanceId, Object input, String callbackUrl) {

    public NewOrchestrationInstanceOptions(String instanceId, Object input) {
        this(instanceId, input, null);
    }

    public static NewOrchestrationInstanceOptions defaults() {
        return new NewOrchestrationInstanceOptions(null, null, null);
    }

    public NewOrchestrationInstanceOptions withInstanceId(String id) {
        return new NewOrchestrationInstanceOptions(id, input, callbackUrl);
    }

    public NewOrchestrationInstanceOptions withInput(Object value) {
        return new NewOrchestrationInstanceOptions(instanceId, value, callbackUrl);
    }

    public NewOrchestrationInstanceOptions withCallbackUrl(String url) {
        return new NewOrchestrationInstanceOptions(instanceId, input, url);
    }
}
