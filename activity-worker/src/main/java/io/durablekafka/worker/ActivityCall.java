package io.durablekafka.worker;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.serde.Json;
import io.durablekafka.sdk.TaskActivityContext;

/** The {@link TaskActivityContext} of one delivery of an {@link ActivityRequest}. */
final class ActivityCall implements TaskActivityContext {

    private final ActivityRequest request;

    ActivityCall(ActivityRequest request) {
        this.request = request;
    }

    @Override
    public String getName() {
        return request.name();
    }

    @Override
    public String getInstanceId() {
        return request.instanceId();
    }

    @Override
    public int getTaskId() {
        return request.taskId();
    }

    @Override
    public <T> T getInput(Class<T> type) {
        return Json.fromTree(request.input(), type);
    }
}
