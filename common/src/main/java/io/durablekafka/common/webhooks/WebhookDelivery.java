package io.durablekafka.common.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A completion callback to deliver: the value of a record on {@code dk.<hub>.webhooks} (key = instance ID). The node
 * writes the first one (attempt 1, due at once) in the transaction of the step that ended the instance; a deliverer
 * whose attempt failed writes the next one (attempt + 1, due after the backoff) before it lets go of the failed one,
 * so the retry schedule lives in Kafka and survives any deliverer.
 *
 * @param webhookId   the {@code webhook-id} header: the same for every attempt of this delivery
 * @param url         where to POST
 * @param notice      the body
 * @param attempt     this record's attempt, from 1
 * @param firstTime   when the instance ended: the retry window counts from here
 * @param dueTime     no attempt before this (null: at once)
 * @param lastError   why the previous attempt failed (null on the first)
 */
@JsonIgnoreProperties(value = {"type", "v"}, allowGetters = true, ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookDelivery(String webhookId, String instanceId, String url, CompletionNotice notice, int attempt,
                              Instant firstTime, Instant dueTime, String lastError) {

    public static final String TYPE = "WebhookDelivery";
    public static final int SCHEMA_VERSION = 1;

    /** The first attempt of the callback for an instance that ended at {@code endTime}. */
    public static WebhookDelivery first(String webhookId, String url, CompletionNotice notice, Instant endTime) {
        return new WebhookDelivery(webhookId, notice.instanceId(), url, notice, 1, endTime, null, null);
    }

    /** The attempt after this one, due at {@code due}, after this one failed with {@code error}. */
    public WebhookDelivery retry(Instant due, String error) {
        return new WebhookDelivery(webhookId, instanceId, url, notice, attempt + 1, firstTime, due, error);
    }

    @JsonProperty("type")
    public String type() {
        return TYPE;
    }

    @JsonProperty("v")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
