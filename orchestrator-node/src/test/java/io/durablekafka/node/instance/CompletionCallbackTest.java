package io.durablekafka.node.instance;

import static io.durablekafka.node.instance.EngineHarness.T0;
import static io.durablekafka.node.instance.EngineHarness.effects;
import static io.durablekafka.node.instance.TestOrchestrations.ID;
import static io.durablekafka.node.instance.TestOrchestrations.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.messages.TerminateOrchestration;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.webhooks.WebhookDelivery;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The completion callback: kept in the instance's record, requested in the step that ends it. */
class CompletionCallbackTest {

    private static final String URL = "https://hooks.example.com/done";
    private final EngineHarness node = new EngineHarness(TestOrchestrations.REGISTRY);

    private static StartOrchestration start(String name, Object input, String callbackUrl) {
        return new StartOrchestration(ID, name, json(input), null, null, T0, callbackUrl);
    }

    private static List<WebhookDelivery> requested(StepResult step) {
        return effects(step, Effect.RequestWebhook.class).stream().map(Effect.RequestWebhook::delivery).toList();
    }

    @Test
    void theStepThatCompletesTheInstanceRequestsTheCallbackWithTheNotice() {
        StepResult started = node.send(start("Sequence", "x", URL)).step();
        assertEquals(URL, node.instance(ID).callbackUrl());
        assertEquals(List.of(), requested(started));
        String executionId = node.instance(ID).executionId();
        node.send(new CompleteTask(ID, executionId, 0, json("a!")));
        node.advance(Duration.ofMillis(1500));

        StepResult last = node.send(new CompleteTask(ID, executionId, 1, json("b!"))).step();

        WebhookDelivery d = requested(last).getFirst();
        assertEquals(1, requested(last).size());
        assertEquals(URL, d.url());
        assertEquals(ID, d.instanceId());
        assertEquals(1, d.attempt());
        assertEquals(node.now, d.firstTime());
        assertTrue(d.webhookId().startsWith("msg_"));
        assertEquals(RuntimeStatus.Completed, d.notice().runtimeStatus());
        assertEquals(json("b!"), d.notice().output());
        assertEquals("Sequence", d.notice().name());
        assertEquals(T0, d.notice().createdTime());
        assertEquals(T0.plusSeconds(1), d.notice().lastUpdatedTime(), "seconds precision, as the HTTP API shows");
    }

    @Test
    void terminationRequestsTheCallbackToo() {
        node.send(start("WaitForGo", null, URL));
        StepResult step = node.send(new TerminateOrchestration(ID, "enough")).step();
        assertEquals(RuntimeStatus.Terminated, requested(step).getFirst().notice().runtimeStatus());
        assertEquals(json("enough"), requested(step).getFirst().notice().output());
    }

    @Test
    void continueAsNewKeepsTheCallbackAndOnlyTheRealEndIsNotified() {
        node.send(start("Looper", 0, URL));
        String first = node.instance(ID).executionId();
        StepResult next = node.send(new CompleteTask(ID, first, 0, json(null))).step();
        assertEquals(List.of(), requested(next), "continued as new: not an end");
        assertEquals(URL, node.instance(ID).callbackUrl());
        StepResult end = node.send(new CompleteTask(ID, node.instance(ID).executionId(), 0, json(null))).step();
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        assertEquals(1, requested(end).size());
        assertNotEquals(first, node.instance(ID).executionId());
    }

    @Test
    void withoutACallbackNothingIsRequestedAndANewStartReplacesTheCallback() {
        node.send(start("Child", null, URL));
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        StepResult again = node.send(start("Child", null, null)).step();
        assertEquals(RuntimeStatus.Completed, node.instance(ID).status());
        assertEquals(List.of(), requested(again));
        assertEquals(null, node.instance(ID).callbackUrl());
    }

    @Test
    void eachEndHasItsOwnWebhookId() {
        StepResult first = node.send(start("Child", null, URL)).step();
        StepResult second = node.send(start("Child", null, URL)).step();
        assertNotEquals(requested(first).getFirst().webhookId(), requested(second).getFirst().webhookId());
    }
}
