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
import io.durablekafka.common.messages.AbandonEntityWork;
import io.durablekafka.common.messages.AbandonOrchestratorWork;
import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CompleteTask;
import io.durablekafka.common.messages.EntityWorkItem;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.OrchestratorWorkItem;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.publish.CommandPublisher;
import io.durablekafka.gateway.sidecar.WorkItemRpcs;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker half of {@code TaskHubSidecarService} for one task hub: relays the nodes' work for out-of-process SDK
 * workers (orchestrator work items on {@code sdk-orchestrator-work}, entity work items on {@code sdk-entity-work},
 * activity requests on {@code tasks.sdk}) to the workers connected with {@code GetWorkItems}, and turns their answers
 * into records on {@code orchestrations}.
 *
 * <p>The gateway consumes the three topics in the group {@code dk.<hub>.sdk-relays} only while at least one worker is
 * connected, so partitions go to gateways that have workers, and hands items round-robin to its streams. A record's
 * offset is committed once its item is answered (or given up): a gateway that dies leaves its unanswered items to the
 * next owner of the partition. A worker that disconnects leaves its activities to the other streams (or the next one to
 * connect) and its orchestrator and entity work items abandoned ({@link AbandonOrchestratorWork},
 * {@link AbandonEntityWork}): the node issues them again at once. Whatever is lost anyway (a gateway dying with
 * answers unsent) is issued again by the node at the work item's deadline; activities are at-least-once, and the node
 * ignores duplicate results and stale answers.
 */
public final class SdkWorkers implements WorkItemRpcs, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SdkWorkers.class);

    private final TopicNames topics;
    private final Properties consumerConfig;
    private final CommandPublisher publisher;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextStream = new AtomicInteger();
    private final AtomicLong tokens = new AtomicLong();
    /** Handed out and unanswered, by completion token. */
    private final Map<String, Handed> byToken = new ConcurrentHashMap<>();
    /** The same, by instance ID (orchestrator work) and instance ID + task ID (activities): SDKs that send no token. */
    private final Map<String, Handed> byKey = new ConcurrentHashMap<>();
    /**
     * Tokens of items handed out again from the same record (a rebalance re-reads what was not committed), to the
     * token of the copy that replaced them: an answer to either copy is an answer to that record. Bounded: a copy
     * that is never answered leaves its entry behind.
     */
    private final Map<String, String> replacedTokens = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_REPLACED_TOKENS;
                }
            });
    private static final int MAX_REPLACED_TOKENS = 10_000;
    /** Consumed while no stream could take them. */
    private final ConcurrentLinkedQueue<Handed> backlog = new ConcurrentLinkedQueue<>();
    /** Answered or given up: their offsets may be committed (by the relay thread, which owns the consumer). */
    private final ConcurrentLinkedQueue<Handed> done = new ConcurrentLinkedQueue<>();
    private final Object streamsChanged = new Object();
    private final Thread relay;
    private volatile boolean closed;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /**
     * @param kafkaConfig Kafka client properties (bootstrap servers, security)
     */
    public SdkWorkers(Properties kafkaConfig, TopicNames topics) {
        this.topics = topics;
        Properties producer = new Properties();
        producer.putAll(kafkaConfig);
        // An SDK worker sends its answers one at a time and waits for each (the Java SDK's loop is serial): a linger
        // would only add to every answer's round trip. Answers of several workers still share a request while the
        // previous one is in flight.
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.publisher = new CommandPublisher(producer, topics.orchestrations(), "dk-gateway-sdk-relay");
        this.consumerConfig = new Properties();
        consumerConfig.putAll(kafkaConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topics.sdkRelayGroup());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The nodes write work in their transactions: an aborted step's work item never reaches a worker.
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dk-gateway-sdk-relay");
        this.relay = Thread.ofPlatform().name("sdk-relay-" + topics.taskHub()).daemon().unstarted(this::relayLoop);
        relay.start();
    }

    /** Workers connected now. */
    public int connectedWorkers() {
        return streams.size();
    }

    // ------------------------------------------------------------------------------------------ RPCs

    @Override
    public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> responses) {
        if (closed) {
            responses.onError(Status.UNAVAILABLE.withDescription("gateway closing").asRuntimeException());
            return;
        }
        Stream stream = new Stream(responses, request.getMaxConcurrentEntityWorkItems() > 0);
        if (responses instanceof ServerCallStreamObserver<WorkItem> server) {
            server.setOnCancelHandler(() -> streamGone(stream));
        }
        streams.add(stream);
        LOG.info("SDK worker connected ({} now)", streams.size());
        synchronized (streamsChanged) {
            streamsChanged.notifyAll();
        }
        Handed h;
        while ((h = backlog.poll()) != null) {
            hand(h);
        }
    }

    @Override
    public void completeOrchestratorTask(OrchestratorResponse request, StreamObserver<CompleteTaskResponse> responses) {
        Handed h = find(request.getCompletionToken(), request.getInstanceId());
        if (h == null || !(h.item instanceof OrchestratorWorkItem item)) {
            // Given up already (its worker was taken for gone) or answered: the node issues the work again if needed.
            LOG.debug("stale orchestrator answer for '{}' ignored", request.getInstanceId());
            ok(responses);
            return;
        }
        if (publish(ProtocolMapping.completion(item, request, Instant.now()), responses)) {
            finished(h);
            ok(responses);
        }
    }

    @Override
    public void completeActivityTask(ActivityResponse request, StreamObserver<CompleteTaskResponse> responses) {
        Handed h = find(request.getCompletionToken(), activityKey(request.getInstanceId(), request.getTaskId()));
        // Without a record of the request (answered through another gateway) the result still goes to the node, which
        // takes it only for an open task of the instance's current execution.
        String executionId = h != null && h.item instanceof ActivityRequest a ? a.executionId() : null;
        OrchestrationMessage result = request.hasFailureDetails()
                ? new FailTask(request.getInstanceId(), executionId, request.getTaskId(),
                ProtocolMapping.failure(request.getFailureDetails()))
                : new CompleteTask(request.getInstanceId(), executionId, request.getTaskId(),
                ProtocolMapping.json(request.hasResult() ? request.getResult() : null));
        if (publish(result, responses)) {
            if (h != null) {
                finished(h);
            }
            ok(responses);
        }
    }

    @Override
    public void completeEntityTask(EntityBatchResult request, StreamObserver<CompleteTaskResponse> responses) {
        // The protocol's result names no entity: the completion token finds the work item (every SDK with entities
        // sends it back).
        Handed h = request.getCompletionToken().isEmpty() ? null : byToken.get(request.getCompletionToken());
        if (h == null || !(h.item instanceof EntityWorkItem item)) {
            // Given up already (its worker was taken for gone) or answered: the node issues the work again if needed.
            LOG.debug("stale entity answer (token '{}') ignored", request.getCompletionToken());
            ok(responses);
            return;
        }
        if (h.stream != null) {
            h.stream.runsEntities = true; // this worker runs entities: entity work prefers it from now on
        }
        if (publish(EntityBatchMapping.completion(item, request), responses)) {
            finished(h);
            ok(responses);
        }
    }

    @Override
    public void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
                                            StreamObserver<AbandonActivityTaskResponse> responses) {
        Handed h = byToken.get(request.getCompletionToken());
        if (h != null) {
            forget(h);
            hand(h.again(null)); // to another stream, or the next one to connect
        }
        responses.onNext(AbandonActivityTaskResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
                                                StreamObserver<AbandonOrchestrationTaskResponse> responses) {
        Handed h = byToken.get(request.getCompletionToken());
        if (h != null && h.item instanceof OrchestratorWorkItem) {
            abandonWork(h);
        }
        responses.onNext(AbandonOrchestrationTaskResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void abandonTaskEntityWorkItem(AbandonEntityTaskRequest request,
                                          StreamObserver<AbandonEntityTaskResponse> responses) {
        Handed h = byToken.get(request.getCompletionToken());
        if (h != null && h.item instanceof EntityWorkItem) {
            abandonWork(h);
        }
        responses.onNext(AbandonEntityTaskResponse.getDefaultInstance());
        responses.onCompleted();
    }

    // ------------------------------------------------------------------------------------------ handing out

    /** A consumed record's item, and where it went. */
    private record Handed(Object item, String key, TopicPartition partition, long offset, String token, Stream stream) {
        Handed again(Stream to) {
            return new Handed(item, key, partition, offset, null, to);
        }
    }

    /** A connected worker's GetWorkItems stream (onNext is not thread-safe: one writer at a time). */
    private static final class Stream {
        final StreamObserver<WorkItem> out;
        volatile boolean gone;
        /** Its items taken back ({@link #streamGone}), once. */
        final AtomicBoolean released = new AtomicBoolean();
        /**
         * Known to run entities: it asked for entity work ({@code maxConcurrentEntityWorkItems}) or answered some.
         * SDKs without entities (the Java SDK 1.5.0) drop entity work items, so entity work goes to such streams when
         * there are any.
         */
        volatile boolean runsEntities;

        Stream(StreamObserver<WorkItem> out, boolean runsEntities) {
            this.out = out;
            this.runsEntities = runsEntities;
        }

        synchronized boolean send(WorkItem item) {
            if (gone) {
                return false;
            }
            try {
                out.onNext(item);
                return true;
            } catch (RuntimeException e) {
                gone = true;
                return false;
            }
        }
    }

    private void hand(Handed h) {
        while (true) {
            List<Stream> live = streams.stream().filter(s -> !s.gone).toList();
            if (live.isEmpty()) {
                backlog.add(h);
                return;
            }
            if (h.item instanceof EntityWorkItem) {
                List<Stream> withEntities = live.stream().filter(s -> s.runsEntities).toList();
                live = withEntities.isEmpty() ? live : withEntities;
            }
            Stream to = live.get(Math.floorMod(nextStream.getAndIncrement(), live.size()));
            String token = "dk-" + tokens.incrementAndGet();
            Handed out = new Handed(h.item, h.key, h.partition, h.offset, token, to);
            Handed superseded = byKey.put(h.key, out);
            if (superseded != null && superseded.token != null) {
                byToken.remove(superseded.token);
                if (superseded.offset != h.offset || !superseded.partition.equals(h.partition)) {
                    done.add(superseded); // a newer work item of the instance replaces it
                } else {
                    replacedTokens.put(superseded.token, token); // the same record, handed out again
                }
            }
            byToken.put(token, out);
            WorkItem.Builder item = WorkItem.newBuilder().setCompletionToken(token);
            if (h.item instanceof OrchestratorWorkItem w) {
                item.setOrchestratorRequest(ProtocolMapping.orchestratorRequest(w));
            } else if (h.item instanceof EntityWorkItem w) {
                item.setEntityRequest(EntityBatchMapping.request(w));
            } else {
                item.setActivityRequest(ProtocolMapping.activityRequest((ActivityRequest) h.item));
            }
            if (to.send(item.build())) {
                return;
            }
            forget(out);
            streamGone(to);
        }
    }

    /**
     * What an answer answers: by its completion token when it has one, else (SDKs that send none, such as the Java
     * SDK 1.5.0) the item of that instance (or activity) handed out last. A token of an item that was answered, given
     * up or replaced by a newer work item finds nothing (the answer is stale): matching it by instance instead would
     * take an answer computed from an older history for the newer work item's.
     */
    private Handed find(String token, String key) {
        if (token == null || token.isEmpty()) {
            return byKey.get(key);
        }
        String t = token;
        for (int hops = 0; t != null && hops < 16; hops++) {
            Handed h = byToken.get(t);
            if (h != null) {
                return h;
            }
            t = replacedTokens.get(t);
        }
        return null;
    }

    private void forget(Handed h) {
        if (h.token != null) {
            byToken.remove(h.token);
        }
        byKey.remove(h.key, h);
    }

    private void finished(Handed h) {
        forget(h);
        done.add(h);
    }

    /**
     * Takes back what the stream's worker had: work items abandoned (the node issues them again), activities handed
     * to another stream. The stream leaves the list only then, so that a relay that sees no stream left (and commits
     * before it leaves the group) already has those items marked done: otherwise their records would be read and
     * handed out again later, next to the node's new work items.
     */
    private void streamGone(Stream stream) {
        stream.gone = true;
        if (!stream.released.compareAndSet(false, true)) {
            return;
        }
        for (Handed h : List.copyOf(byToken.values())) {
            if (h.stream != stream) {
                continue;
            }
            if (h.item instanceof OrchestratorWorkItem || h.item instanceof EntityWorkItem) {
                abandonWork(h);
            } else {
                forget(h);
                hand(h.again(null));
            }
        }
        streams.remove(stream);
        LOG.info("SDK worker disconnected ({} left)", streams.size());
    }

    /** Tells the node to issue the work (orchestrator or entity) again now, rather than at the work item's deadline. */
    private void abandonWork(Handed h) {
        OrchestrationMessage abandon = switch (h.item) {
            case OrchestratorWorkItem w -> new AbandonOrchestratorWork(w.instanceId(), w.executionId(), w.workSeq());
            case EntityWorkItem w -> new AbandonEntityWork(w.entityId(), w.workSeq());
            default -> throw new IllegalArgumentException("not a work item: " + h.item);
        };
        forget(h);
        try {
            publisher.publish(abandon);
            done.add(h);
        } catch (Exception e) {
            // The node issues it again at its deadline anyway.
            LOG.warn("could not abandon work for '{}': {}", h.key, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean publish(OrchestrationMessage message, StreamObserver<CompleteTaskResponse> responses) {
        try {
            publisher.publish(message);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            responses.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
        } catch (Exception e) {
            responses.onError(Status.UNAVAILABLE.withDescription("could not record the result: " + e.getMessage())
                    .asRuntimeException());
        }
        return false;
    }

    private static void ok(StreamObserver<CompleteTaskResponse> responses) {
        responses.onNext(CompleteTaskResponse.getDefaultInstance());
        responses.onCompleted();
    }

    private static String activityKey(String instanceId, int taskId) {
        return instanceId + "\u0000" + taskId;
    }

    // ------------------------------------------------------------------------------------------ the relay thread

    /** Offsets of a partition consumed and not answered yet, and the next offset to consume. */
    private static final class Positions {
        final TreeSet<Long> open = new TreeSet<>();
        long next = -1;
        long committed = -1;

        long committable() {
            return open.isEmpty() ? next : open.first();
        }
    }

    private void relayLoop() {
        Map<TopicPartition, Positions> positions = new HashMap<>();
        boolean subscribed = false;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            while (!closed) {
                drainDone(positions);
                if (streams.isEmpty()) {
                    if (subscribed) {
                        drainDone(positions); // what the last stream's departure marked done
                        commit(c, positions, positions.keySet());
                        c.unsubscribe();
                        positions.clear();
                        backlog.clear(); // their offsets are uncommitted: the group hands them out again
                        subscribed = false;
                    }
                    synchronized (streamsChanged) {
                        if (streams.isEmpty() && !closed) {
                            streamsChanged.wait(500);
                        }
                    }
                    continue;
                }
                if (!subscribed) {
                    c.subscribe(List.of(topics.sdkOrchestratorWork(), topics.sdkEntityWork(),
                                    topics.tasks(TopicNames.SDK_TASK_QUEUE)),
                            new ConsumerRebalanceListener() {
                                @Override
                                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                                    drainDone(positions);
                                    commit(c, positions, partitions);
                                    positions.keySet().removeAll(partitions);
                                    backlog.removeIf(h -> partitions.contains(h.partition));
                                }

                                @Override
                                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                                }
                            });
                    subscribed = true;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Positions p = positions.computeIfAbsent(tp, k -> new Positions());
                    p.next = r.offset() + 1;
                    Handed h = decode(r, tp);
                    if (h != null) {
                        p.open.add(r.offset());
                        hand(h);
                    }
                }
                commitAsync(c, positions);
            }
            drainDone(positions);
            if (subscribed) {
                commit(c, positions, positions.keySet());
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("SDK work relay stopped", e);
            }
        }
    }

    private Handed decode(ConsumerRecord<String, byte[]> r, TopicPartition tp) {
        try {
            if (r.topic().equals(topics.sdkOrchestratorWork())) {
                OrchestratorWorkItem w = Json.fromBytes(r.value(), OrchestratorWorkItem.class);
                return new Handed(w, w.instanceId(), tp, r.offset(), null, null);
            }
            if (r.topic().equals(topics.sdkEntityWork())) {
                // Keyed by entity ID, which no orchestration instance ID can be (they must not start with '@').
                EntityWorkItem w = Json.fromBytes(r.value(), EntityWorkItem.class);
                return new Handed(w, w.entityId(), tp, r.offset(), null, null);
            }
            ActivityRequest a = Json.fromBytes(r.value(), ActivityRequest.class);
            return new Handed(a, activityKey(a.instanceId(), a.taskId()), tp, r.offset(), null, null);
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable record at {}@{}: {}", tp, r.offset(), e.toString());
            return null;
        }
    }

    private void drainDone(Map<TopicPartition, Positions> positions) {
        Handed h;
        while ((h = done.poll()) != null) {
            Positions p = positions.get(h.partition);
            if (p != null) {
                p.open.remove(h.offset);
            }
        }
    }

    /**
     * The loop's commit: offsets of answered items, sent without waiting, so the relay goes straight back to handing
     * out work (a synchronous commit held up every poll for a broker round trip). A lost commit only means items
     * handed out again after a rebalance, as for a gateway that dies; revocation and close still commit synchronously.
     */
    private static void commitAsync(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Positions> positions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(positions, positions.keySet());
        if (!offsets.isEmpty()) {
            c.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    LOG.debug("offset commit failed (the items are handed out again): {}", e.toString());
                }
            });
        }
    }

    /** The offsets of these partitions that moved since their last commit (marked as committed). */
    private static Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, Positions> positions,
                                                                      Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : new ArrayList<>(partitions)) {
            Positions p = positions.get(tp);
            if (p != null && p.next >= 0 && p.committable() > p.committed) {
                offsets.put(tp, new OffsetAndMetadata(p.committable()));
                p.committed = p.committable();
            }
        }
        return offsets;
    }

    private static void commit(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Positions> positions,
                               Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(positions, partitions);
        if (!offsets.isEmpty()) {
            try {
                c.commitSync(offsets);
            } catch (RuntimeException e) {
                LOG.debug("offset commit failed (the items are handed out again): {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (streamsChanged) {
            streamsChanged.notifyAll();
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            relay.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Stream s : streams) {
            try {
                s.out.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream went already
            }
        }
        streams.clear();
        publisher.close();
    }
}
