package io.durablekafka.client.errors;

/** 409 `InstanceAlreadyExists`: an instance with this ID is active (a start or a same-ID restart). */
public final class ConflictException extends GatewayException {

    public ConflictException(String error, String message) {
        super(409, error, message);
    }
}
