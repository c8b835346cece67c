package io.durablekafka.common.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The body a completion callback POSTs: the instance as it ended. Times have seconds precision, as the HTTP API
 * shows them, so that the callback and a status read agree.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CompletionNotice(String instanceId, String name, RuntimeStatus runtimeStatus, JsonNode output,
                               Instant createdTime, Instant lastUpdatedTime) {

    public CompletionNotice {
        createdTime = createdTime == null ? null : createdTime.truncatedTo(ChronoUnit.SECONDS);
        lastUpdatedTime = lastUpdatedTime == null ? null : lastUpdatedTime.truncatedTo(ChronoUnit.SECONDS);
    }
}
