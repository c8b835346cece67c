package io.durablekafka.gateway.sidecar;

import io.durablekafka.gateway.api.ApiException;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.ViewUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC status of a failed client RPC. The operations refuse with the HTTP API's {@link ApiException}s; the
 * HTTP status says which kind of refusal it is, and that maps onto the gRPC codes the SDKs expect.
 */
final class SidecarErrors {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarErrors.class);

    private SidecarErrors() {
    }

    static StatusRuntimeException of(Throwable failure) {
        if (failure instanceof StatusRuntimeException s) {
            return s;
        }
        if (failure instanceof ApiException e) {
            return status(e).asRuntimeException();
        }
        if (failure instanceof ViewUnavailableException || failure instanceof PublishException) {
            return Status.UNAVAILABLE.withDescription(failure.getMessage()).withCause(failure).asRuntimeException();
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return Status.CANCELLED.withDescription("the gateway is stopping").asRuntimeException();
        }
        LOG.warn("gRPC call failed", failure);
        return Status.INTERNAL.withDescription(failure.toString()).withCause(failure).asRuntimeException();
    }

    /** A refusal's gRPC status: the HTTP status's kind, the error code and message in the description. */
    static Status status(ApiException e) {
        Status status = switch (e.status()) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ALREADY_EXISTS;
            // 410 ended, 412 a purge of an active instance or a rewind of one that is not Failed.
            case 410, 412 -> Status.FAILED_PRECONDITION;
            case 413 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            default -> e.status() >= 500 ? Status.INTERNAL : Status.INVALID_ARGUMENT;
        };
        return status.withDescription(e.error() + ": " + e.getMessage());
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
