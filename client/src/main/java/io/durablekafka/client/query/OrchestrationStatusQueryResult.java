package io.durablekafka.client.query;

import io.durablekafka.client.OrchestrationMetadata;
import java.util.List;

/**
 * One page of a query.
 *
 * @param orchestrationState the instances of the page, in instance ID order
 * @param continuationToken  the token for the next page, or null on the last one. A page can be short, even
 *                           empty, and still carry a token (the gateway bounds the work of a page): always check
 *                           the token, not the page's size.
 */
public record OrchestrationStatusQueryResult(List<OrchestrationMetadata> orchestrationState, String continuationToken) {

    public OrchestrationStatusQueryResult {
        orchestrationState = List.copyOf(orchestrationState);
    }

    public boolean hasMore() {
        return continuationToken != null;
    }
}
