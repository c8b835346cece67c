package io.durablekafka.client.errors;

/**
 * 404: no such instance ({@code InstanceNotFound}), task hub ({@code TaskHubNotFound}), entity name
 * ({@code UnknownEntity}) or route ({@code NotFound}).
 */
public final class NotFoundException extends GatewayException {

    public NotFoundException(String error, String message) {
        super(404, error, message);
    }

    /** True when the instance is what was not found (and not the task hub, say). */
    public boolean isInstanceNotFound() {
        return "InstanceNotFound".equals(error());
    }
}
