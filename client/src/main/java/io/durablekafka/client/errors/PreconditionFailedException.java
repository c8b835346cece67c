package io.durablekafka.client.errors;

/** 412: the instance is not in a state the command needs: `InstanceNotEnded` (a purge of an active instance) or `InstanceNotFailed` (a rewind of one that has not failed). */
public final class PreconditionFailedException extends GatewayException {

    public PreconditionFailedException(String error, String message) {
        super(412, error, message);
    }
}
