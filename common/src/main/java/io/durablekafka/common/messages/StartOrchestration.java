package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.tracing.TraceContext;
import java.time.Instant;

/**
 * Starts a new execution of orchestration {@code name} as {@code instanceId}. Ignored (and dead-lettered)
 * when the instance exists and is still active; replaces it when it is terminal.
 *
 * @param parent             set when started as a sub-orchestration
 * @param scheduledStartTime optional: the execution starts no earlier than this
 * @param requestedTime      when the client asked for the start; shown as {@code createdTime}
 * @param callbackUrl        optional (durable-kafka extension): an absolute http(s) URL the cluster POSTs a
 *                           completion notice to when the instance ends (Completed, Failed, Terminated); kept
 *                           across continue-as-new. Checked by the gateway when it writes the start; external
 *                           producers that set it are trusted
 * @param traceContext       optional (contract 4): the W3C trace context of whoever asked for the start, kept with
 *                           the instance; a record without it may carry the {@code traceparent} header instead
 * @param version            optional (contract 6): the orchestration's version, as the Durable Task SDKs give it; kept
 *                           with the instance (status, {@code ExecutionStarted}) and across continue-as-new
 * @param tags               optional (contract 6): string tags kept with the instance like {@code version}; null when
 *                           none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartOrchestration(String instanceId, String name, JsonNode input, ParentInstance parent,
                                 Instant scheduledStartTime, Instant requestedTime, String callbackUrl,
                                 TraceContext traceContext, String version, java.util.Map<String, String> tags)
        implements OrchestrationMessage {

    public StartOrchestration {
        tags = tags == null || tags.isEmpty() ? null : java.util.Map.copyOf(tags);
    }

    /** A start without a version or tags. */
    public StartOrchestration(String instanceId, String name, JsonNode input, ParentInstance parent,
                              Instant scheduledStartTime, Instant requestedTime, String callbackUrl,
                              TraceContext traceContext) {
        this(instanceId, name, input, parent, scheduledStartTime, requestedTime, callbackUrl, traceContext, null, null);
    }

    /** A start without a trace context. */
    public StartOrchestration(String instanceId, String name, JsonNode input, ParentInstance parent,
                              Instant scheduledStartTime, Instant requestedTime, String callbackUrl) {
        this(instanceId, name, input, parent, scheduledStartTime, requestedTime, callbackUrl, null);
    }

    /** A start without a completion callback. */
    public StartOrchestration(String instanceId, String name, JsonNode input, ParentInstance parent,
                              Instant scheduledStartTime, Instant requestedTime) {
        this(instanceId, name, input, parent, scheduledStartTime, requestedTime, null);
    }

    /** This start with another trace context. */
    public StartOrchestration withTraceContext(TraceContext context) {
        return new StartOrchestration(instanceId, name, input, parent, scheduledStartTime, requestedTime, callbackUrl,
                context, version, tags);
    }

    public static StartOrchestration of(String instanceId, String name, JsonNode input) {
        return new StartOrchestration(instanceId, name, input, null, null, Instant.now());
    }

    /** The orchestration waiting for this one, and the task ID it waits under. */
    public record ParentInstance(String instanceId, String executionId, int taskId) {
    }
}
