package io.durablekafka.client.errors;

/** 400: an invalid parameter, instance ID, body or JSON, an unknown orchestrator, or a restart of an unknown instance (`InstanceNotFound`). */
public final class InvalidRequestException extends GatewayException {

    public InvalidRequestException(String error, String message) {
        super(400, error, message);
    }
}
