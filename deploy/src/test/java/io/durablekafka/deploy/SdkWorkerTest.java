package io.durablekafka.deploy;

import static io.durablekafka.deploy.sdk.SdkFactories.activity;
import static io.durablekafka.deploy.sdk.SdkFactories.orchestration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskOptions;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.sidecar.SidecarOptions;
import io.durablekafka.gateway.sidecar.workitems.SdkWorkers;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Orchestrations and activities written with the official Durable Task Java SDK (com.microsoft:durabletask-client),
 * run by its worker connected to a gateway's gRPC endpoint, against a real cluster whose node hands them out as work
 * items ({@code dk.node.sdk.workers}); started and watched with the same SDK's client. This project's own Java
 * orchestrations run on the same hub at the same time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Attempts of the flaky activity per instance: it fails the first two. */
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    private TestCluster cluster;
    private SdkWorkers relay;
    private Gateway gateway;
    private DurableTaskClient client;
    private DurableTaskGrpcWorker worker;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Sdk", TestFunctions.registry(), Map.of(NodeOptions.SDK_WORKERS, "true",
                NodeOptions.SDK_WORK_TIMEOUT_MS, "20000"));
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", SharedKafka.bootstrapServers());
        relay = new SdkWorkers(kafka, cluster.topics);
        gateway = cluster.startSidecarGateway(SidecarOptions.onPort(0).withWorkItems(relay));
        client = new DurableTaskGrpcClientBuilder().port(gateway.grpcPort()).build();
        worker = startWorker();
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private DurableTaskGrpcWorker startWorker() {
        int before = relay.connectedWorkers();
        DurableTaskGrpcWorker w = new DurableTaskGrpcWorkerBuilder().port(gateway.grpcPort())
                .addOrchestration(orchestration("SdkSequence", ctx -> {
                    List<String> out = new ArrayList<>();
                    for (String city : List.of("Tokyo", "Seattle", "London")) {
                        out.add(ctx.callActivity("SdkSay", city, String.class).await());
                    }
                    ctx.complete(out);
                }))
                .addOrchestration(orchestration("SdkFanOut", ctx -> {
                    List<Task<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        tasks.add(ctx.callActivity("SdkSay", "n" + i, String.class));
                    }
                    ctx.complete(ctx.allOf(tasks).await());
                }))
                .addOrchestration(orchestration("SdkTimerThenEvent", ctx -> {
                    ctx.createTimer(Duration.ofMillis(300)).await();
                    ctx.complete("got " + ctx.waitForExternalEvent("go", String.class).await());
                }))
                .addOrchestration(orchestration("SdkParent", ctx -> ctx.complete(
                        ctx.callSubOrchestrator("SdkSequence", null, ctx.getInstanceId() + "-child", List.class).await())))
                .addOrchestration(orchestration("SdkRetry", ctx -> ctx.complete(ctx.callActivity("SdkFlaky",
                        ctx.getInstanceId(), new TaskOptions(new RetryPolicy(3, Duration.ofMillis(100))), String.class).await())))
                .addOrchestration(orchestration("SdkCounter", ctx -> {
                    int n = ctx.getInput(Integer.class);
                    if (n < 3) {
                        ctx.continueAsNew(n + 1);
                    } else {
                        ctx.complete(n);
                    }
                }))
                .addOrchestration(orchestration("SdkFails", ctx -> ctx.complete(
                        ctx.callActivity("SdkThrow", "x", String.class).await())))
                .addOrchestration(orchestration("SdkTwoSteps", ctx -> {
                    String a = ctx.callActivity("SdkSay", "a", String.class).await();
                    String go = ctx.waitForExternalEvent("go", String.class).await();
                    ctx.complete(a + "," + go + "," + ctx.callActivity("SdkSay", "b", String.class).await());
                }))
                .addActivity(activity("SdkSay", ctx -> "Hello " + ctx.getInput(String.class) + "!"))
                .addActivity(activity("SdkFlaky", ctx -> {
                    String id = ctx.getInput(String.class);
                    if (ATTEMPTS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() < 3) {
                        throw new IllegalStateException("flaky attempt of " + id);
                    }
                    return "ok after " + ATTEMPTS.get(id).get();
                }))
                .addActivity(activity("SdkThrow", ctx -> {
                    throw new IllegalArgumentException("boom from the SDK activity");
                }))
                .build();
        w.start();
        Conditions.await("the SDK worker connects", Duration.ofSeconds(30), () -> relay.connectedWorkers() > before);
        return w;
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private OrchestrationMetadata run(String name, Object input) throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance(name, input, newId(name));
        return client.waitForInstanceCompletion(id, WAIT, true);
    }

    @Test
    void aSequenceAFanOutAndASubOrchestrationOfActivities() throws TimeoutException {
        OrchestrationMetadata sequence = run("SdkSequence", null);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, sequence.getRuntimeStatus(), () -> String.valueOf(sequence));
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"), sequence.readOutputAs(List.class));

        OrchestrationMetadata fanOut = run("SdkFanOut", null);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, fanOut.getRuntimeStatus());
        assertEquals(List.of("Hello n0!", "Hello n1!", "Hello n2!", "Hello n3!", "Hello n4!"), fanOut.readOutputAs(List.class));

        OrchestrationMetadata parent = run("SdkParent", null);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, parent.getRuntimeStatus());
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"), parent.readOutputAs(List.class));
    }

    @Test
    void aTimerAndAnExternalEvent() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("SdkTimerThenEvent", null, newId("timer"));
        client.waitForInstanceStart(id, WAIT, false);
        client.raiseEvent(id, "go", "now");
        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, done.getRuntimeStatus());
        assertEquals("got now", done.readOutputAs(String.class));
    }

    @Test
    void retriesContinueAsNewAndFailureDetails() throws TimeoutException {
        OrchestrationMetadata retried = run("SdkRetry", null);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, retried.getRuntimeStatus());
        assertEquals("ok after 3", retried.readOutputAs(String.class));

        OrchestrationMetadata counter = run("SdkCounter", 0);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, counter.getRuntimeStatus());
        assertEquals(3, counter.readOutputAs(Integer.class));

        OrchestrationMetadata failed = run("SdkFails", null);
        assertEquals(OrchestrationRuntimeStatus.FAILED, failed.getRuntimeStatus());
        assertTrue(failed.getFailureDetails().getErrorMessage().contains("SdkThrow"),
                () -> failed.getFailureDetails().getErrorMessage());
    }

    @Test
    void terminateSuspendResumeQueryAndPurge() throws TimeoutException {
        String waiting = client.scheduleNewOrchestrationInstance("SdkTimerThenEvent", null, newId("terminated"));
        client.waitForInstanceStart(waiting, WAIT, false);
        client.terminate(waiting, "stop");
        assertEquals(OrchestrationRuntimeStatus.TERMINATED,
                client.waitForInstanceCompletion(waiting, WAIT, false).getRuntimeStatus());

        String id = client.scheduleNewOrchestrationInstance("SdkTimerThenEvent", null, newId("suspended"));
        client.waitForInstanceStart(id, WAIT, false);
        client.suspendInstance(id, "pause");
        Conditions.await("suspended", WAIT, () -> client.getInstanceMetadata(id, false).getRuntimeStatus()
                == OrchestrationRuntimeStatus.SUSPENDED);
        client.raiseEvent(id, "go", "later");
        client.resumeInstance(id, "go on");
        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals("got later", done.readOutputAs(String.class));
        assertEquals("SdkTimerThenEvent", client.getInstanceMetadata(id, false).getName());

        assertEquals(1, client.purgeInstance(id).getDeletedInstanceCount());
        assertFalse(client.getInstanceMetadata(id, false).isInstanceFound());
    }

    @Test
    void anSdkOrchestrationAndOneOfOurJavaSdkRunSideBySideOnOneHub() throws TimeoutException {
        String ours = client.scheduleNewOrchestrationInstance("HelloCities", "x", newId("ours"));
        String theirs = client.scheduleNewOrchestrationInstance("SdkSequence", null, newId("theirs"));
        OrchestrationMetadata oursDone = client.waitForInstanceCompletion(ours, WAIT, true);
        OrchestrationMetadata theirsDone = client.waitForInstanceCompletion(theirs, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, oursDone.getRuntimeStatus());
        assertEquals(List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!"), oursDone.readOutputAs(List.class));
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, theirsDone.getRuntimeStatus());
        assertEquals(oursDone.readOutputAs(List.class), theirsDone.readOutputAs(List.class));
    }

    @Test
    void aWorkerKilledMidOrchestrationIsReplacedAndTheNewOneFinishesIt() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("SdkTwoSteps", null, newId("killed"));
        // Wait until the first activity's result is in history: the orchestration now waits for "go".
        Conditions.await("the first step is done", WAIT, () -> cluster.status(id, true).path("historyEvents")
                .toString().contains("TaskCompleted"));
        worker.close();
        Conditions.await("the gateway sees the worker gone", WAIT, () -> relay.connectedWorkers() == 0);
        client.raiseEvent(id, "go", "again");
        worker = startWorker();
        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, done.getRuntimeStatus(), () -> done.getFailureDetails() == null
                ? "no failure details" : done.getFailureDetails().getErrorType() + ": "
                + done.getFailureDetails().getErrorMessage() + " " + cluster.status(id, true));
        assertEquals("Hello a!,again,Hello b!", done.readOutputAs(String.class));
    }
}
