package io.durablekafka.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.kafka.Conditions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Probe instances, one started on each partition of interest: a partition processes again once its probe is past
 * Pending. How the kill tests time a failover from the outside, over HTTP.
 */
final class PartitionProbes {

    private PartitionProbes() {
    }

    /**
     * Waits until each probe is past Pending; returns when each was seen so, by partition.
     *
     * @param probes partition to the probe's instance ID
     * @param status the instance's status over HTTP
     * @param where  where a failure's logs are, for its message
     */
    static Map<Integer, Instant> awaitPastPending(Map<Integer, String> probes, Function<String, HttpResponse<String>> status,
                                                  String what, String where) {
        Map<Integer, Instant> seen = new TreeMap<>();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (seen.size() < probes.size()) {
            for (Map.Entry<Integer, String> probe : probes.entrySet()) {
                if (!seen.containsKey(probe.getKey())) {
                    HttpResponse<String> r = status.apply(probe.getValue());
                    if ((r.statusCode() == 200 || r.statusCode() == 202) && !"Pending".equals(Json.fromBytes(
                            r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class).path("runtimeStatus").asText())) {
                        seen.put(probe.getKey(), Instant.now());
                    }
                }
            }
            if (seen.size() < probes.size()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("not within 90 s (" + what + "): probes " + probes + " past Pending, only "
                            + seen.keySet() + "; see " + where);
                }
                Conditions.pause();
            }
        }
        return seen;
    }
}
