package io.durablekafka.client.errors;

/** 410 `InstanceEnded`: the instance is Completed, Failed, Terminated or Canceled, so it takes no more events or commands. */
public final class InstanceEndedException extends GatewayException {

    public InstanceEndedException(String error, String message) {
        super(410, error, message);
    }
}
