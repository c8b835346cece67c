package io.durablekafka.common.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where an instance's completion callback stands: the value of a record on the compacted
 * {@code dk.<hub>.webhook-outcomes} (key = instance ID), written by the deliverers after every attempt.
 *
 * @param state           {@code Retrying} (an attempt failed, another is due at {@code nextAttemptTime}),
 *                        {@code Delivered} (a 2xx answer) or {@code Failed} (given up: the retry window is over, or
 *                        the URL is refused)
 * @param attempts        attempts made so far
 * @param lastStatusCode  the HTTP status of the last attempt (null: no answer)
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookOutcome(String webhookId, String instanceId, String url, String runtimeStatus, State state,
                             int attempts, Integer lastStatusCode, String lastError, Instant lastAttemptTime,
                             Instant nextAttemptTime, Instant deliveredTime) {

    public static final String TYPE = "WebhookOutcome";
    public static final int SCHEMA_VERSION = 1;

    public enum State { Retrying, Delivered, Failed }

    @JsonProperty("type")
    public String type() {
        return TYPE;
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
