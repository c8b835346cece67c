package io.durablekafka.gateway.api;

/**
 * A request the API answers with an error: HTTP {@code status} and a JSON body
 * {@code {"error": <error>, "message": <message>}}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String error, String message) {
        return new ApiException(400, error, message);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
