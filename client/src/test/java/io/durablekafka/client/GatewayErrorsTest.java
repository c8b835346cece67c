package io.durablekafka.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.client.errors.ConflictException;
import io.durablekafka.client.errors.GatewayException;
import io.durablekafka.client.errors.GatewayUnreachableException;
import io.durablekafka.client.errors.NotFoundException;
import io.durablekafka.client.errors.ServiceUnavailableException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Error answers become typed exceptions with the gateway's JSON error; IDs and parameters are encoded exactly. */
class GatewayErrorsTest {

    @Test
    void errorAnswersCarryStatusNameAndMessage() throws Exception {
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(409,
                "{\"error\":\"InstanceAlreadyExists\",\"message\":\"An instance with ID 'x' is Running.\"}"));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            ConflictException e = assertThrows(ConflictException.class,
                    () -> client.scheduleNewOrchestrationInstance("Hello", null, "x"));
            assertEquals(409, e.status());
            assertEquals("InstanceAlreadyExists", e.error());
            assertEquals("An instance with ID 'x' is Running.", e.getMessage());
        }
    }

    @Test
    void aMissingTaskHubIsAnErrorNotAnAbsentInstance() throws Exception {
        try (var gateway = new FakeGateway(exchange -> FakeGateway.Answer.json(404,
                "{\"error\":\"TaskHubNotFound\",\"message\":\"No task hub 'nope'.\"}"));
             var client = new DurableTaskClient(ClientOptions.of(gateway.baseUrl()).withTaskHub("nope"))) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> client.getInstanceMetadata("x", false));
            assertEquals("TaskHubNotFound", e.error());
        }
    }

    @Test
    void unavailableCarriesRetryAfterAndOtherStatusesTheBaseType() throws Exception {
        try (var gateway = new FakeGateway(exchange -> exchange.getRequestURI().getPath().contains("/instances/a/")
                ? new FakeGateway.Answer(503, "{\"error\":\"ViewsUnavailable\",\"message\":\"later\"}", "10")
                : FakeGateway.Answer.json(502, "<html>bad gateway</html>"));
             var client = DurableTaskClient.create(gateway.baseUrl())) {
            ServiceUnavailableException unavailable = assertThrows(ServiceUnavailableException.class,
                    () -> client.terminate("a", "r"));
            assertEquals(10L, unavailable.retryAfterSeconds());
            GatewayException other = assertThrows(GatewayException.class, () -> client.getInstanceMetadata("b", true));
            assertEquals(502, other.status());
            assertEquals("<html>bad gateway</html>", other.getMessage());
        }
    }

    @Test
    void noAnswerIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (var client = DurableTaskClient.create("http://127.0.0.1:" + port)) {
            assertThrows(GatewayUnreachableException.class, () -> client.raiseEvent("x", "e"));
        }
    }

    @Test
    void pathSegmentsAndQueryValuesArePercentEncoded() throws Exception {
        try (var gateway = new FakeGateway(exchange -> new FakeGateway.Answer(202, null, null));
             var client = new DurableTaskClient(ClientOptions.of(gateway.baseUrl() + "/").withTaskHub("My Hub")
                     .withSystemKey("k"))) {
            client.raiseEvent("a b+c/d%", "Ev ent", 5);
            client.suspendInstance("x", "why & how");
            String raise = gateway.requests.get(0);
            assertTrue(raise.startsWith("POST /runtime/webhooks/durabletask/instances/a%20b%2Bc%2Fd%25/raiseEvent/Ev%20ent?"),
                    raise);
            assertEquals("My%20Hub", FakeGateway.queryParam(raise, "taskHub"));
            assertEquals("why%20%26%20how", FakeGateway.queryParam(gateway.requests.get(1), "reason"));
        }
    }

    @Test
    void theKeyStaysOutOfToString() {
        assertTrue(ClientOptions.of("http://h:1").withSystemKey("secret").toString().contains("***"));
    }
}
