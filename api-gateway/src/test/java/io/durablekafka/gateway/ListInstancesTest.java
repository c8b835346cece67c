package io.durablekafka.gateway;

import static io.durablekafka.gateway.HubFixture.get;
import static io.durablekafka.gateway.HubFixture.instancesUrl;
import static io.durablekafka.gateway.HubFixture.json;
import static io.durablekafka.gateway.HubFixture.post;
import static io.durablekafka.gateway.HubFixture.send;
import static io.durablekafka.gateway.HubFixture.startUrl;
import static io.durablekafka.gateway.StartOrchestrationTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** GET instances: filters, paging with x-ms-continuation-token, and paging while instances are being started. */
class ListInstancesTest {

    private static final String SECONDS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void filtersShapeAndPages() throws Exception {
        try (HubFixture hub = new HubFixture("list")) {
            Gateway gw = hub.gateway();
            HttpResponse<String> empty = get(instancesUrl(gw));
            assertEquals(200, empty.statusCode(), empty.body());
            assertEquals("[]", empty.body());
            assertTrue(empty.headers().firstValue("x-ms-continuation-token").isEmpty());

            Instant t1 = Instant.parse("2024-01-01T10:00:00Z");
            Instant t2 = Instant.parse("2024-02-01T10:00:00Z");
            Instant t3 = Instant.parse("2024-03-01T10:00:00Z");
            hub.seed("order-1", "Order", RuntimeStatus.Completed, Json.toTree("in1"), Json.toTree("out1"), t1);
            hub.seed("order-2", "Order", RuntimeStatus.Running, Json.toTree("in2"), null, t2);
            hub.seed("order-3", "Order", RuntimeStatus.Failed, Json.toTree("in3"), null, t3);
            hub.seed("ship-1", "Ship", RuntimeStatus.Terminated, null, Json.toTree("stop"), t2);
            hub.seed("ship-2", "Ship", RuntimeStatus.Suspended, null, null, t3);
            assertEquals(202, post(startUrl(gw, "Ship") + "/ship-3", "\"fresh\"").statusCode()); // Pending

            JsonNode all = json(get(instancesUrl(gw)));
            assertEquals(List.of("order-1", "order-2", "order-3", "ship-1", "ship-2", "ship-3"), ids(all));
            JsonNode first = all.get(0);
            List<String> fields = new ArrayList<>();
            first.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime",
                    "lastUpdatedTime"), fields);
            assertEquals("Completed", first.get("runtimeStatus").asText());
            assertEquals("in1", first.get("input").asText());
            assertEquals("out1", first.get("output").asText());
            assertEquals("2024-01-01T10:00:00Z", first.get("createdTime").asText());
            assertTrue(all.get(5).get("createdTime").asText().matches(SECONDS));
            assertEquals("Pending", all.get(5).get("runtimeStatus").asText());

            assertEquals(List.of("order-2", "ship-2", "ship-3"),
                    ids(json(get(instancesUrl(gw) + "?runtimeStatus=running,SUSPENDED,pending"))));
            assertEquals(List.of("order-2", "ship-3"),
                    ids(json(get(instancesUrl(gw) + "?runtimeStatus=Running&runtimestatus=Pending"))));
            assertEquals(List.of("order-2", "order-3", "ship-1", "ship-2"), ids(json(get(instancesUrl(gw)
                    + "?createdTimeFrom=2024-02-01T10:00:00Z&createdTimeTo=2024-03-01T10:00:00Z"))));
            assertEquals(List.of("order-1", "order-2", "ship-1"),
                    ids(json(get(instancesUrl(gw) + "?createdTimeTo=2024-02-01T11:00:00%2B01:00"))));
            assertEquals(List.of("ship-1", "ship-2", "ship-3"), ids(json(get(instancesUrl(gw) + "?instanceIdPrefix=ship-"))));
            JsonNode hidden = json(get(instancesUrl(gw) + "?showInput=false&instanceIdPrefix=order"));
            hidden.forEach(i -> assertTrue(i.get("input").isNull()));
            // The 1.x prefix and a trailing slash reach the same list.
            assertEquals(ids(all), ids(json(get(gw.baseUrl() + "/admin/extensions/DurableTaskExtension/instances/"))));

            // Pages of two: tokens while there is more, none on the last page (even when it is full).
            List<String> paged = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                HttpResponse<String> page = token == null ? get(instancesUrl(gw) + "?top=2")
                        : send("GET", instancesUrl(gw) + "?top=2", null, "x-ms-continuation-token", token);
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(json(page).size() <= 2);
                paged.addAll(ids(json(page)));
                token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
                pages++;
            } while (token != null);
            assertEquals(ids(all), paged);
            assertEquals(3, pages);
            // A filtered page: the token carries on within the filter.
            HttpResponse<String> p1 = get(instancesUrl(gw) + "?top=1&instanceIdPrefix=ship");
            assertEquals(List.of("ship-1"), ids(json(p1)));
            HttpResponse<String> p2 = send("GET", instancesUrl(gw) + "?top=1&instanceIdPrefix=ship", null,
                    "x-ms-continuation-token", p1.headers().firstValue("x-ms-continuation-token").orElseThrow());
            assertEquals(List.of("ship-2"), ids(json(p2)));

            assertError(get(instancesUrl(gw) + "?top=0"), 400, "InvalidParameter");
            assertError(get(instancesUrl(gw) + "?top=many"), 400, "InvalidParameter");
            assertError(get(instancesUrl(gw) + "?runtimeStatus=Running,Sleeping"), 400, "InvalidParameter");
            assertError(get(instancesUrl(gw) + "?createdTimeFrom=yesterday"), 400, "InvalidParameter");
            assertError(send("GET", instancesUrl(gw), null, "x-ms-continuation-token", "bm90LW91cnM"), 400,
                    "InvalidContinuationToken");
        }
    }

    @Test
    void pagingNeverRepeatsOrSkipsWhileInstancesAreStarted() throws Exception {
        try (HubFixture hub = new HubFixture("paging");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Gateway gw = hub.gateway();
            List<InstanceStatus> seeded = new ArrayList<>();
            Set<String> before = new TreeSet<>();
            for (int i = 0; i < 400; i++) {
                String id = UUID.randomUUID().toString().replace("-", "");
                before.add(id);
                seeded.add(new InstanceStatus(id, "Hello", "e", RuntimeStatus.Completed, null, null, null, null,
                        Instant.now(), Instant.now(), null, 1, -1));
            }
            hub.seedAll(seeded);

            // Starts go on (through the gateway, random IDs) while the pages are read.
            AtomicBoolean paging = new AtomicBoolean(true);
            List<Future<Integer>> starters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                starters.add(pool.submit(() -> {
                    int n = 0;
                    while (paging.get() && n < 100) {
                        HttpResponse<String> r = post(startUrl(gw, "Hello"), String.valueOf(n));
                        assertEquals(202, r.statusCode(), r.body());
                        n++;
                    }
                    return n;
                }));
            }
            List<String> seen = new ArrayList<>();
            String token = null;
            do {
                HttpResponse<String> page = token == null ? get(instancesUrl(gw) + "?top=23")
                        : send("GET", instancesUrl(gw) + "?top=23", null, "x-ms-continuation-token", token);
                assertEquals(200, page.statusCode(), page.body());
                seen.addAll(ids(json(page)));
                token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
            } while (token != null);
            paging.set(false);
            int started = 0;
            for (Future<Integer> f : starters) {
                started += f.get();
            }
            assertTrue(started > 0, "starts ran during paging");
            assertEquals(seen.size(), new HashSet<>(seen).size(), "no instance on two pages");
            assertTrue(seen.containsAll(before), "every instance that existed before paging is listed");
            List<String> sorted = new ArrayList<>(seen);
            sorted.sort(null);
            assertEquals(sorted, seen, "instance ID order");
            assertFalse(seen.isEmpty());
        }
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(i -> ids.add(i.get("instanceId").asText()));
        return ids;
    }
}
