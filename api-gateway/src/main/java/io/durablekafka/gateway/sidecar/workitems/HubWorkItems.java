package io.durablekafka.gateway.sidecar.workitems;

import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonActivityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonEntityTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.AbandonOrchestrationTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.ActivityResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.CompleteTaskResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.EntityBatchResult;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.GetWorkItemsRequest;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.WorkItem;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.gateway.sidecar.SidecarCalls;
import io.durablekafka.gateway.sidecar.WorkItemRpcs;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The worker RPCs of every task hub a gateway serves: each call goes to the relay ({@link SdkWorkers}) of its hub,
 * the hub {@link SidecarCalls} took from the {@value SidecarCalls#TASK_HUB_HEADER} header and checked (key, known
 * hub) as for the client RPCs. A hub's relay is created when the first worker RPC of that hub arrives.
 *
 * <p>Relays are kept until the gateway closes, not closed when their last worker leaves: an idle relay holds no
 * partitions (it leaves the consumer group while no worker is connected) and costs a parked thread and an idle
 * producer; their number is bounded by the hubs the gateway serves (other hubs are refused before any handler runs);
 * and answers of a worker whose stream just ended (or that reconnects at once) still find the relay that handed out
 * the work.
 */
public final class HubWorkItems implements WorkItemRpcs, AutoCloseable {

    private final Function<TopicNames, SdkWorkers> newRelay;
    /** By lower-case hub name, as {@link io.durablekafka.gateway.api.Hubs} matches names. */
    private final Map<String, SdkWorkers> relays = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param newRelay the relay of a hub, given its topics (called once per hub) */
    public HubWorkItems(Function<TopicNames, SdkWorkers> newRelay) {
        this.newRelay = newRelay;
    }

    /** Relays for the hubs of a gateway, with the gateway's Kafka settings. */
    public static HubWorkItems forGateway(GatewayOptions options) {
        Properties kafka = new Properties();
        kafka.putAll(options.kafkaOverrides());
        kafka.put("bootstrap.servers", options.bootstrapServers());
        return new HubWorkItems(topics -> {
            Properties hubKafka = new Properties();
            hubKafka.putAll(kafka);
            // One client ID per hub: Kafka registers its clients' metrics under their IDs.
            hubKafka.putIfAbsent("client.id", "dk-gateway-sdk-relay-" + topics.taskHub());
            return new SdkWorkers(hubKafka, topics);
        });
    }

    /** Workers connected now, to every hub. */
    public int connectedWorkers() {
        return relays.values().stream().mapToInt(SdkWorkers::connectedWorkers).sum();
    }

    /** Workers connected now to {@code hub} (any case). */
    public int connectedWorkers(String hub) {
        SdkWorkers relay = relays.get(hub.toLowerCase(Locale.ROOT));
        return relay == null ? 0 : relay.connectedWorkers();
    }

    /** Hands the call to the relay of its hub (created on first use). */
    private void route(StreamObserver<?> responses, java.util.function.Consumer<SdkWorkers> call) {
        TopicNames topics = SidecarCalls.hub().topics();
        SdkWorkers relay = relays.computeIfAbsent(topics.taskHub().toLowerCase(Locale.ROOT),
                k -> closed ? null : newRelay.apply(topics));
        if (relay == null) {
            responses.onError(Status.UNAVAILABLE.withDescription("gateway closing").asRuntimeException());
            return;
        }
        call.accept(relay);
    }

    @Override
    public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> responses) {
        route(responses, relay -> relay.getWorkItems(request, responses));
    }

    @Override
    public void completeActivityTask(ActivityResponse request, StreamObserver<CompleteTaskResponse> responses) {
        route(responses, relay -> relay.completeActivityTask(request, responses));
    }

    @Override
    public void completeOrchestratorTask(OrchestratorResponse request, StreamObserver<CompleteTaskResponse> responses) {
        route(responses, relay -> relay.completeOrchestratorTask(request, responses));
    }

    @Override
    public void completeEntityTask(EntityBatchResult request, StreamObserver<CompleteTaskResponse> responses) {
        route(responses, relay -> relay.completeEntityTask(request, responses));
    }

    @Override
    public void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
                                            StreamObserver<AbandonActivityTaskResponse> responses) {
        route(responses, relay -> relay.abandonTaskActivityWorkItem(request, responses));
    }

    @Override
    public void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
                                                StreamObserver<AbandonOrchestrationTaskResponse> responses) {
        route(responses, relay -> relay.abandonTaskOrchestratorWorkItem(request, responses));
    }

    @Override
    public void abandonTaskEntityWorkItem(AbandonEntityTaskRequest request,
                                          StreamObserver<AbandonEntityTaskResponse> responses) {
        route(responses, relay -> relay.abandonTaskEntityWorkItem(request, responses));
    }

    @Override
    public void close() {
        closed = true;
        List<SdkWorkers> open = new ArrayList<>(relays.values());
        relays.clear();
        for (SdkWorkers relay : open) {
            relay.close();
        }
    }
}
