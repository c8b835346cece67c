package io.durablekafka.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.client.errors.ConflictException;
import io.durablekafka.client.errors.GatewayException;
import io.durablekafka.client.errors.InstanceEndedException;
import io.durablekafka.client.errors.InvalidRequestException;
import io.durablekafka.client.errors.NotFoundException;
import io.durablekafka.client.errors.PreconditionFailedException;
import io.durablekafka.client.query.OrchestrationStatusQuery;
import io.durablekafka.client.query.OrchestrationStatusQueryResult;
import io.durablekafka.client.query.PurgeInstanceCriteria;
import io.durablekafka.client.query.PurgeResult;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.sdk.EntityInstanceId;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A client of a durable-kafka task hub, through the gateway's public HTTP API (the Durable Functions management
 * API under {@code /runtime/webhooks/durabletask}); shaped like Microsoft's durabletask-java
 * {@code DurableTaskClient}. Thread-safe; one instance per gateway and task hub is enough.
 *
 * <p>Errors are typed: a refused request throws a {@link GatewayException} subclass carrying the HTTP status and
 * the gateway's JSON error ({@link NotFoundException}, {@link ConflictException}, {@link InstanceEndedException},
 * ...); no answer at all throws {@link io.durablekafka.client.errors.GatewayUnreachableException}.
 */
public final class DurableTaskClient implements AutoCloseable {

    private final GatewayTransport transport;
    private final HttpClient http;
    private final InstanceWaiter waiter;

    public DurableTaskClient(ClientOptions options) {
        // HTTP/1.1: an h2c upgrade offer on every request buys nothing against the gateway.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.requestTimeout()).build();
        this.transport = new GatewayTransport(options, http);
        this.waiter = new InstanceWaiter(this::readStatus);
    }

    /** A client of the gateway at {@code baseUrl} (e.g. {@code http://localhost:7071}), its default task hub. */
    public static DurableTaskClient create(String baseUrl) {
        return new DurableTaskClient(ClientOptions.of(baseUrl));
    }

    public ClientOptions options() {
        return transport.options();
    }

    // ------------------------------------------------------------------------------------------ start

    /** Starts {@code orchestratorName} without input under a generated ID; returns the ID. */
    public String scheduleNewOrchestrationInstance(String orchestratorName) {
        return scheduleNewOrchestrationInstance(orchestratorName, NewOrchestrationInstanceOptions.defaults());
    }

    /** Starts {@code orchestratorName} with {@code input} (any value Jackson writes) under a generated ID. */
    public String scheduleNewOrchestrationInstance(String orchestratorName, Object input) {
        return scheduleNewOrchestrationInstance(orchestratorName, NewOrchestrationInstanceOptions.defaults().withInput(input));
    }

    /** Starts {@code orchestratorName} with {@code input} under {@code instanceId}. */
    public String scheduleNewOrchestrationInstance(String orchestratorName, Object input, String instanceId) {
        return scheduleNewOrchestrationInstance(orchestratorName, new NewOrchestrationInstanceOptions(instanceId, input));
    }

    /**
     * Starts an orchestration and returns its instance ID once the gateway has accepted the start: a status read
     * right after finds the instance (Pending at first), never a 404.
     *
     * @throws InvalidRequestException unknown orchestrator, invalid instance ID or a callback URL the gateway refuses
     * @throws ConflictException       an instance with this ID is active
     */
    public String scheduleNewOrchestrationInstance(String orchestratorName, NewOrchestrationInstanceOptions options) {
        GatewayTransport.Request request = options.instanceId() == null
                ? transport.request("POST", "orchestrators", orchestratorName)
                : transport.request("POST", "orchestrators", orchestratorName, options.instanceId());
        return request.query("callbackUrl", options.callbackUrl()).json(options.input()).expect(202).json()
                .path("id").asText();
    }

    // ----------------------------------------------------------------------------------------- status

    /**
     * The instance's status, or empty when there is no such instance. With {@code getInputsAndOutputs} false, the
     * metadata's input and output are null (the custom status is always there).
     */
    public Optional<OrchestrationMetadata> getInstanceMetadata(String instanceId, boolean getInputsAndOutputs) {
        try {
            return Optional.of(readStatus(instanceId, getInputsAndOutputs, null));
        } catch (NotFoundException e) {
            if (e.isInstanceNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@link #waitForInstanceStart(String, Duration, boolean)} without inputs and outputs. */
    public OrchestrationMetadata waitForInstanceStart(String instanceId, Duration timeout) throws TimeoutException {
        return waitForInstanceStart(instanceId, timeout, false);
    }

    /**
     * Waits until the instance has left Pending (it is Running, Suspended, or has already ended). An instance that
     * does not exist yet is waited for too.
     *
     * @throws TimeoutException when it is still Pending (or absent) after {@code timeout}
     */
    public OrchestrationMetadata waitForInstanceStart(String instanceId, Duration timeout, boolean getInputsAndOutputs)
            throws TimeoutException {
        return waiter.awaitStart(instanceId, timeout, getInputsAndOutputs);
    }

    /**
     * Waits until the instance is Completed, Failed, Terminated or Canceled, with long-polls of up to a minute
     * each: the answer comes as soon as it ends.
     *
     * @throws TimeoutException  when it has not ended after {@code timeout}
     * @throws NotFoundException when there is no such instance
     */
    public OrchestrationMetadata waitForInstanceCompletion(String instanceId, Duration timeout, boolean getInputsAndOutputs)
            throws TimeoutException {
        return waiter.awaitCompletion(instanceId, timeout, getInputsAndOutputs);
    }

    private OrchestrationMetadata readStatus(String instanceId, boolean getInputsAndOutputs, Integer timeoutSeconds) {
        GatewayResponse r = transport.request("GET", "instances", instanceId)
                .query("showInput", getInputsAndOutputs)
                .query("timeoutSeconds", timeoutSeconds)
                .extraWait(timeoutSeconds == null ? Duration.ZERO : Duration.ofSeconds(timeoutSeconds))
                .expect(200, 202);
        return OrchestrationMetadata.fromJson(r.json(), getInputsAndOutputs);
    }

    /**
     * One page of instances matching the query, in instance ID order. Entities are never listed. Page on with the
     * result's continuation token until it is null.
     */
    public OrchestrationStatusQueryResult queryInstances(OrchestrationStatusQuery query) {
        GatewayTransport.Request request = transport.request("GET", "instances")
                .query("createdTimeFrom", query.createdTimeFrom())
                .query("createdTimeTo", query.createdTimeTo())
                .query("instanceIdPrefix", query.instanceIdPrefix())
                .query("top", query.maxInstanceCount())
                .query("showInput", query.fetchInputsAndOutputs())
                .query("runtimeStatus", statusList(query.runtimeStatusList()))
                .header(GatewayTransport.CONTINUATION_HEADER, query.continuationToken());
        GatewayResponse r = request.expect(200);
        List<OrchestrationMetadata> instances = new ArrayList<>();
        for (JsonNode status : r.json()) {
            instances.add(OrchestrationMetadata.fromJson(status, query.fetchInputsAndOutputs()));
        }
        return new OrchestrationStatusQueryResult(instances, r.header(GatewayTransport.CONTINUATION_HEADER));
    }

    // ------------------------------------------------------------------------------------- commands

    /** {@link #raiseEvent(String, String, Object)} with no data. */
    public void raiseEvent(String instanceId, String eventName) {
        raiseEvent(instanceId, eventName, null);
    }

    /**
     * Sends event {@code eventName} with {@code eventPayload} (any value Jackson writes, or null) to the instance.
     *
     * @throws NotFoundException      no such instance
     * @throws InstanceEndedException the instance has ended
     */
    public void raiseEvent(String instanceId, String eventName, Object eventPayload) {
        transport.request("POST", "instances", instanceId, "raiseEvent", eventName).json(eventPayload).expect(202);
    }

    /** {@link #terminate(String, String)} without a reason. */
    public void terminate(String instanceId) {
        terminate(instanceId, null);
    }

    /**
     * Terminates the instance; its output becomes {@code reason}. Accepted once the command is in Kafka: the
     * instance is Terminated shortly after ({@link #waitForInstanceCompletion} sees it).
     *
     * @throws InstanceEndedException the instance has ended already
     */
    public void terminate(String instanceId, String reason) {
        command(instanceId, "terminate", reason);
    }

    public void suspendInstance(String instanceId) {
        suspendInstance(instanceId, null);
    }

    /** Suspends a running instance (a suspended one stays so). */
    public void suspendInstance(String instanceId, String reason) {
        command(instanceId, "suspend", reason);
    }

    public void resumeInstance(String instanceId) {
        resumeInstance(instanceId, null);
    }

    /** Resumes a suspended instance (a running one is left alone). */
    public void resumeInstance(String instanceId, String reason) {
        command(instanceId, "resume", reason);
    }

    public void rewindInstance(String instanceId) {
        rewindInstance(instanceId, null);
    }

    /**
     * Runs the failed steps of a Failed instance again.
     *
     * @throws PreconditionFailedException the instance is still active ({@code InstanceNotFailed})
     * @throws InstanceEndedException      it Completed or was Terminated
     */
    public void rewindInstance(String instanceId, String reason) {
        command(instanceId, "rewind", reason);
    }

    private void command(String instanceId, String command, String reason) {
        transport.request("POST", "instances", instanceId, command).query("reason", reason).expect(202);
    }

    /**
     * Starts the instance's orchestration again with its original input, under a new generated ID or under the
     * same one (which must have ended); returns the ID it runs under.
     *
     * @throws InvalidRequestException no such instance ({@code InstanceNotFound}, 400 as in Durable Functions)
     * @throws ConflictException       a same-ID restart of an active instance
     */
    public String restartInstance(String instanceId, boolean restartWithNewInstanceId) {
        return transport.request("POST", "instances", instanceId, "restart")
                .query("restartWithNewInstanceId", restartWithNewInstanceId)
                .expect(202).json().path("id").asText();
    }

    // -------------------------------------------------------------------------------------- purge

    /**
     * Deletes an ended instance with its history. An unknown instance deletes nothing (count 0).
     *
     * @throws PreconditionFailedException the instance is still active ({@code InstanceNotEnded})
     */
    public PurgeResult purgeInstance(String instanceId) {
        try {
            return new PurgeResult(transport.request("DELETE", "instances", instanceId).expect(200).json()
                    .path("instancesDeleted").asInt());
        } catch (NotFoundException e) {
            if (e.isInstanceNotFound()) {
                return new PurgeResult(0);
            }
            throw e;
        }
    }

    /** Deletes every ended instance that matches; none matching is a count of 0. */
    public PurgeResult purgeInstances(PurgeInstanceCriteria criteria) {
        try {
            return new PurgeResult(transport.request("DELETE", "instances")
                    .query("createdTimeFrom", criteria.createdTimeFrom())
                    .query("createdTimeTo", criteria.createdTimeTo())
                    .query("runtimeStatus", statusList(criteria.runtimeStatusList()))
                    .expect(200).json().path("instancesDeleted").asInt());
        } catch (NotFoundException e) {
            if ("NoInstancesMatched".equals(e.error())) {
                return new PurgeResult(0);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------- entities

    public void signalEntity(EntityInstanceId entityId, String operationName) {
        signalEntity(entityId, operationName, null);
    }

    /**
     * Sends a one-way operation to an entity (its first operation creates it). Accepted once the signal is in
     * Kafka; the entity runs it shortly after.
     *
     * @throws NotFoundException {@code UnknownEntity}: the gateway knows the entity names and this is not one
     */
    public void signalEntity(EntityInstanceId entityId, String operationName, Object input) {
        if (operationName == null || operationName.isBlank()) {
            throw new IllegalArgumentException("operationName must not be empty");
        }
        transport.request("POST", "entities", entityId.name(), entityId.key())
                .query("op", operationName).json(input).expect(202);
    }

    /** The entity's state, or empty when it was never signaled, was deleted, or has no state. */
    public Optional<EntityMetadata> getEntity(EntityInstanceId entityId) {
        try {
            JsonNode state = transport.request("GET", "entities", entityId.name(), entityId.key()).expect(200).json();
            return Optional.of(new EntityMetadata(entityId, state));
        } catch (NotFoundException e) {
            if ("EntityNotFound".equals(e.error())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String statusList(java.util.Set<RuntimeStatus> statuses) {
        return statuses.isEmpty() ? null
                : statuses.stream().sorted().map(RuntimeStatus::name).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        http.close();
    }

}
