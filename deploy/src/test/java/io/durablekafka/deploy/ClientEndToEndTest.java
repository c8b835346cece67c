package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.client.ClientOptions;
import io.durablekafka.client.DurableTaskClient;
import io.durablekafka.client.NewOrchestrationInstanceOptions;
import io.durablekafka.client.OrchestrationMetadata;
import io.durablekafka.client.errors.ConflictException;
import io.durablekafka.client.errors.InstanceEndedException;
import io.durablekafka.client.errors.InvalidRequestException;
import io.durablekafka.client.errors.NotFoundException;
import io.durablekafka.client.errors.PreconditionFailedException;
import io.durablekafka.client.query.OrchestrationStatusQuery;
import io.durablekafka.client.query.OrchestrationStatusQueryResult;
import io.durablekafka.client.query.PurgeInstanceCriteria;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.kafka.Conditions;
import io.durablekafka.sdk.EntityInstanceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every method of the Java client against a real gateway, node and worker on the embedded broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private TestCluster cluster;
    private DurableTaskClient client;

    @BeforeAll
    void start() {
        cluster = new TestCluster("Client", TestFunctions.registry());
        client = new DurableTaskClient(ClientOptions.of(cluster.baseUrl()).withTaskHub(cluster.hub));
    }

    @AfterAll
    void stop() {
        client.close();
        cluster.close();
    }

    /** Waits, with a deadline, until the instance has {@code status}. */
    private void awaitStatus(String id, RuntimeStatus status) {
        Conditions.await(id + " " + status, WAIT, () -> client.getInstanceMetadata(id, false)
                .map(m -> m.runtimeStatus() == status).orElse(false));
    }

    @Test
    void scheduleAndWaitForCompletionWithTheOutput() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("HelloCities");
        assertEquals(32, id.length(), "a generated ID");
        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(RuntimeStatus.Completed, done.runtimeStatus());
        assertEquals("HelloCities", done.name());
        assertEquals(id, done.instanceId());
        assertArrayEquals(new String[]{"Hello Tokyo!", "Hello Seattle!", "Hello London!"}, done.readOutputAs(String[].class));
        assertTrue(done.isCompleted() && !done.isRunning());
        assertNotNull(done.createdAt());
        assertNotNull(done.lastUpdatedAt());
    }

    @Test
    void scheduleWithInputAndInstanceIdThenReadTheMetadata() throws TimeoutException {
        String id = "sum-" + System.nanoTime();
        assertEquals(id, client.scheduleNewOrchestrationInstance("FanOutFanIn",
                NewOrchestrationInstanceOptions.defaults().withInstanceId(id).withInput(10)));
        client.waitForInstanceCompletion(id, WAIT, false);
        OrchestrationMetadata withData = client.getInstanceMetadata(id, true).orElseThrow();
        assertEquals(10, withData.readInputAs(Integer.class));
        assertEquals(385L, withData.readOutputAs(Long.class));
        OrchestrationMetadata without = client.getInstanceMetadata(id, false).orElseThrow();
        assertNull(without.input());
        assertNull(without.output());
        assertTrue(client.getInstanceMetadata("no-such-" + id, true).isEmpty());

        String other = client.scheduleNewOrchestrationInstance("FanOutFanIn", 3, id + "-b");
        assertEquals(14L, client.waitForInstanceCompletion(other, WAIT, true).readOutputAs(Long.class));
    }

    @Test
    void startingAnActiveInstanceIdAgainIsAConflict() {
        String id = "wait-" + System.nanoTime();
        client.scheduleNewOrchestrationInstance("WaitForGo", null, id);
        ConflictException e = assertThrows(ConflictException.class,
                () -> client.scheduleNewOrchestrationInstance("WaitForGo", null, id));
        assertEquals(409, e.status());
        assertEquals("InstanceAlreadyExists", e.error());
        client.terminate(id);
    }

    @Test
    void waitForStartThenRaiseEventCompletesTheInstance() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("WaitForGo");
        OrchestrationMetadata started = client.waitForInstanceStart(id, WAIT);
        assertNotEquals(RuntimeStatus.Pending, started.runtimeStatus());
        awaitStatus(id, RuntimeStatus.Running);
        client.raiseEvent(id, "Go", "gone");
        assertEquals("gone", client.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));
        InstanceEndedException ended = assertThrows(InstanceEndedException.class, () -> client.raiseEvent(id, "Go"));
        assertEquals(410, ended.status());
    }

    @Test
    void waitForCompletionTimesOutOnAnInstanceThatKeepsRunning() {
        String id = client.scheduleNewOrchestrationInstance("WaitForGo");
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> client.waitForInstanceCompletion(id, Duration.ofMillis(1500), false));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(1500).toNanos());
        client.terminate(id);
    }

    @Test
    void waitForCompletionOfAnUnknownInstanceIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> client.waitForInstanceCompletion("never-" + System.nanoTime(), WAIT, false));
        assertTrue(e.isInstanceNotFound());
    }

    @Test
    void terminateEndsTheInstanceWithTheReason() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("WaitForGo");
        client.waitForInstanceStart(id, WAIT);
        client.terminate(id, "enough");
        OrchestrationMetadata done = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(RuntimeStatus.Terminated, done.runtimeStatus());
        assertEquals("enough", done.readOutputAs(String.class));
        assertThrows(InstanceEndedException.class, () -> client.terminate(id, "again"));
    }

    @Test
    void suspendKeepsEventsUntilResume() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("WaitForGo");
        awaitStatus(id, RuntimeStatus.Running);
        client.suspendInstance(id, "hold");
        awaitStatus(id, RuntimeStatus.Suspended);
        client.raiseEvent(id, "Go", "kept");
        client.resumeInstance(id, "go on");
        assertEquals("kept", client.waitForInstanceCompletion(id, WAIT, true).readOutputAs(String.class));
    }

    @Test
    void rewindCompletesAFailedInstance() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("RewindMe");
        OrchestrationMetadata failed = client.waitForInstanceCompletion(id, WAIT, true);
        assertEquals(RuntimeStatus.Failed, failed.runtimeStatus());
        assertNotNull(failed.failureDetails());
        client.rewindInstance(id, "fixed");
        awaitStatus(id, RuntimeStatus.Completed);
        assertEquals("hello / ok on run 2", client.getInstanceMetadata(id, true).orElseThrow().readOutputAs(String.class));
        assertThrows(InstanceEndedException.class, () -> client.rewindInstance(id));

        String running = client.scheduleNewOrchestrationInstance("WaitForGo");
        PreconditionFailedException notFailed = assertThrows(PreconditionFailedException.class,
                () -> client.rewindInstance(running));
        assertEquals("InstanceNotFailed", notFailed.error());
        client.terminate(running);
    }

    @Test
    void restartRunsTheOrchestrationAgainUnderANewOrTheSameId() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("FanOutFanIn", 4);
        client.waitForInstanceCompletion(id, WAIT, false);
        String newId = client.restartInstance(id, true);
        assertNotEquals(id, newId);
        assertEquals(30L, client.waitForInstanceCompletion(newId, WAIT, true).readOutputAs(Long.class));
        assertEquals(id, client.restartInstance(id, false));
        assertEquals(30L, client.waitForInstanceCompletion(id, WAIT, true).readOutputAs(Long.class));
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class,
                () -> client.restartInstance("never-" + System.nanoTime(), true));
        assertEquals("InstanceNotFound", unknown.error());
    }

    @Test
    void purgeOneInstance() throws TimeoutException {
        String id = client.scheduleNewOrchestrationInstance("HelloCities");
        client.waitForInstanceCompletion(id, WAIT, false);
        assertEquals(1, client.purgeInstance(id).deletedInstanceCount());
        assertTrue(client.getInstanceMetadata(id, false).isEmpty());
        assertEquals(0, client.purgeInstance(id).deletedInstanceCount());

        String active = client.scheduleNewOrchestrationInstance("WaitForGo");
        PreconditionFailedException notEnded = assertThrows(PreconditionFailedException.class,
                () -> client.purgeInstance(active));
        assertEquals("InstanceNotEnded", notEnded.error());
        client.terminate(active);
    }

    @Test
    void purgeInstancesByCreationTimeAndStatus() throws TimeoutException {
        Instant from = Instant.now();
        String prefix = "purge-" + System.nanoTime() + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(client.scheduleNewOrchestrationInstance("HelloCities", null, prefix + i));
        }
        for (String id : ids) {
            client.waitForInstanceCompletion(id, WAIT, false);
        }
        // Tests of this class run one after the other: only this test's instances were created since `from`.
        assertEquals(3, client.purgeInstances(PurgeInstanceCriteria.createdFrom(from)
                .withCreatedTimeTo(Instant.now().plusSeconds(5)).withRuntimeStatus(RuntimeStatus.Completed))
                .deletedInstanceCount());
        for (String id : ids) {
            assertTrue(client.getInstanceMetadata(id, false).isEmpty(), id);
        }
        assertEquals(0, client.purgeInstances(PurgeInstanceCriteria.createdFrom(from)
                .withRuntimeStatus(RuntimeStatus.Completed)).deletedInstanceCount());
    }

    @Test
    void queryInstancesPagesWithContinuationTokens() throws TimeoutException {
        String prefix = "query-" + System.nanoTime() + "-";
        for (int i = 0; i < 5; i++) {
            client.scheduleNewOrchestrationInstance("FanOutFanIn", i + 1, prefix + i);
        }
        for (int i = 0; i < 5; i++) {
            client.waitForInstanceCompletion(prefix + i, WAIT, false);
        }
        OrchestrationStatusQuery query = OrchestrationStatusQuery.all().withInstanceIdPrefix(prefix)
                .withRuntimeStatus(RuntimeStatus.Completed).withMaxInstanceCount(2).withFetchInputsAndOutputs(true);
        Set<String> seen = new HashSet<>();
        int pages = 0;
        OrchestrationStatusQueryResult page;
        do {
            page = client.queryInstances(query);
            pages++;
            for (OrchestrationMetadata m : page.orchestrationState()) {
                assertTrue(seen.add(m.instanceId()), "repeated " + m.instanceId());
                int n = m.readInputAs(Integer.class);
                assertEquals((long) n * (n + 1) * (2 * n + 1) / 6, m.readOutputAs(Long.class));
            }
            query = query.withContinuationToken(page.continuationToken());
        } while (page.hasMore());
        assertEquals(5, seen.size());
        assertTrue(pages >= 3, pages + " pages of at most 2");
        assertTrue(client.queryInstances(OrchestrationStatusQuery.all().withInstanceIdPrefix(prefix)
                .withRuntimeStatus(RuntimeStatus.Running)).orchestrationState().isEmpty());
        assertTrue(client.queryInstances(OrchestrationStatusQuery.all().withInstanceIdPrefix(prefix)
                .withCreatedTimeFrom(Instant.now().plusSeconds(3600))).orchestrationState().isEmpty());
    }

    @Test
    void signalEntityAndGetItsState() {
        EntityInstanceId counter = new EntityInstanceId("Counter", "client-" + System.nanoTime());
        assertTrue(client.getEntity(counter).isEmpty());
        client.signalEntity(counter, "add", 5);
        client.signalEntity(counter, "add", 2);
        Conditions.await("counter at 7", WAIT, () -> client.getEntity(counter)
                .map(e -> e.readStateAs(Integer.class) == 7).orElse(false));
        client.signalEntity(counter, "delete");
        Conditions.await("counter deleted", WAIT, () -> client.getEntity(counter).isEmpty());
    }

    @Test
    void refusalsCarryTheGatewaysError() {
        InvalidRequestException invalid = assertThrows(InvalidRequestException.class,
                () -> client.scheduleNewOrchestrationInstance("HelloCities", null, "@not-an-orchestration"));
        assertEquals(400, invalid.status());
        assertEquals("InvalidInstanceId", invalid.error());
        assertTrue(invalid.getMessage().contains("@"), invalid.getMessage());

        try (var elsewhere = new DurableTaskClient(ClientOptions.of(cluster.baseUrl()).withTaskHub("NoSuchHub"))) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> elsewhere.getInstanceMetadata("x", false));
            assertEquals("TaskHubNotFound", e.error());
        }
    }
}
