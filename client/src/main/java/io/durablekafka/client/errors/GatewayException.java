package io.durablekafka.client.errors;

/**
 * The gateway answered with an error status. Every error answer of the gateway has a JSON body
 * {@code {"error": "<Name>", "message": "<sentence>"}}; {@link #error()} is the name (e.g. {@code InstanceNotFound},
 * {@code TaskHubNotFound}) and the exception's message the sentence. A refused request changed nothing.
 * Subclasses name the statuses a caller usually handles; others arrive as this class.
 */
public class GatewayException extends DurableClientException {

    private final int status;
    private final String error;

    public GatewayException(int status, String error, String message) {
        super(message, null);
        this.status = status;
        this.error = error;
    }

    /** Builds the exception that fits the status. */
    public static GatewayException of(int status, String error, String message, Long retryAfterSeconds) {
        return switch (status) {
            case 400 -> new InvalidRequestException(error, message);
            case 401 -> new UnauthorizedException(error, message);
            case 404 -> new NotFoundException(error, message);
            case 409 -> new ConflictException(error, message);
            case 410 -> new InstanceEndedException(error, message);
            case 412 -> new PreconditionFailedException(error, message);
            case 503 -> new ServiceUnavailableException(error, message, retryAfterSeconds);
            default -> new GatewayException(status, error, message);
        };
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The error's name from the JSON body ({@code "error"}), or {@code "Error"} when the body had none. */
    public String error() {
        return error;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + status + " " + error + ": " + getMessage();
    }
}
