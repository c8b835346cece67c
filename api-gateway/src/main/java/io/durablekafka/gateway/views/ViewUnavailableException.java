package io.durablekafka.gateway.views;

/** The views cannot answer consistently right now (Kafka unreachable, or the views lag behind too far). */
public final class ViewUnavailableException extends RuntimeException {

    public ViewUnavailableException(String message) {
        super(message);
    }

    public ViewUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
