package io.durablekafka.client.errors;

/** 401: the system key is missing or wrong. */
public final class UnauthorizedException extends GatewayException {

    public UnauthorizedException(String error, String message) {
        super(401, error, message);
    }
}
