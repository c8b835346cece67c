package io.durablekafka.client.query;

/** How many instances a purge deleted. */
public record PurgeResult(int deletedInstanceCount) {
}
