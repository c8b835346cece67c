package io.durablekafka.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.EntityState;
import io.durablekafka.common.store.HistoryChunk;
import io.durablekafka.common.store.InstanceState;
import io.durablekafka.common.store.StoreCodec;
import io.durablekafka.common.store.StoreKeys;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.views.Partitions;
import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.kafka.SharedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One fresh task hub on the shared broker, gateways on it, an HTTP client, and a stand-in for the
 * orchestrator node: it reads the starts the gateway wrote and writes the node's records of instances, history
 * and entities to the changelog of the nodes' state store itself, as Kafka Streams does (keys {@link StoreKeys},
 * values {@link StoreCodec}, in the partition of the instance in {@code orchestrations}).
 */
final class HubFixture implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final int PARTITIONS = 2;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final TopicNames topics;
    final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaProducer<byte[], byte[]> changelog;
    private final KafkaConsumer<String, byte[]> inputs;
    private final List<ConsumerRecord<String, byte[]>> seenInputs = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();

    HubFixture(String label) {
        String hub = ("t" + label + "-" + COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime()));
        hub = hub.length() > 50 ? hub.substring(0, 50) : hub;
        this.topics = new TopicNames(hub);
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        this.admin = Admin.create(p);
        new TopicProvisioner(admin, PARTITIONS, (short) 1).ensureHub(topics, Set.of("default"));

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
        this.changelog = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.inputs = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            tps.add(new TopicPartition(topics.orchestrations(), partition));
        }
        inputs.assign(tps);
        inputs.seekToBeginning(tps);
    }

    static String bootstrap() {
        return SharedKafka.bootstrapServers();
    }

    Gateway gateway() {
        return gateway(Set.of());
    }

    Gateway gateway(Set<String> knownOrchestrations) {
        return gateway(o -> o.withKnownOrchestrations(knownOrchestrations));
    }

    /** A gateway of this hub with options adjusted by {@code customize}. */
    Gateway gateway(UnaryOperator<GatewayOptions> customize) {
        Gateway g = new Gateway(customize.apply(new GatewayOptions(bootstrap(), topics, 0, null, Set.of(), null, null)));
        gateways.add(g);
        return g.start();
    }

    /** Closed with the fixture. */
    Gateway register(Gateway g) {
        gateways.add(g);
        return g;
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any method; {@code headers} are name, value pairs. A null body sends none. */
    static HttpResponse<String> send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(String url) throws IOException, InterruptedException {
        return send("DELETE", url, null);
    }

    static String instancesUrl(Gateway g) {
        return g.baseUrl() + "/runtime/webhooks/durabletask/instances";
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    static String startUrl(Gateway g, String name) {
        return g.baseUrl() + "/runtime/webhooks/durabletask/orchestrators/" + name;
    }

    static String statusUrl(Gateway g, String encodedId) {
        return g.baseUrl() + "/runtime/webhooks/durabletask/instances/" + encodedId;
    }

    /** Polls GET until the condition holds on the parsed response, returning that response. */
    static HttpResponse<String> awaitGet(String url, java.util.function.Predicate<HttpResponse<String>> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        HttpResponse<String> last;
        do {
            last = get(url);
            if (condition.test(last)) {
                return last;
            }
            io.durablekafka.kafka.Conditions.pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("condition not met within " + DEADLINE + "; last response " + last.statusCode()
                + " " + last.body());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        io.durablekafka.kafka.Conditions.await(what, DEADLINE, condition);
    }

    // ------------------------------------------------------------------------------- the node stand-in

    /** The StartOrchestration record of the instance on {@code orchestrations} (the latest one seen). */
    ConsumerRecord<String, byte[]> awaitStartRecord(String instanceId) throws InterruptedException {
        return awaitStartRecord(instanceId, 1);
    }

    /** Waits for the {@code n}-th StartOrchestration of the instance and returns it. */
    synchronized ConsumerRecord<String, byte[]> awaitStartRecord(String instanceId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> starts = seenInputs.stream()
                    .filter(r -> instanceId.equals(r.key()))
                    .filter(r -> "StartOrchestration".equals(MessageHeaders.type(r.headers())))
                    .toList();
            if (starts.size() >= n) {
                return starts.get(n - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no StartOrchestration #" + n + " for '" + instanceId + "' within " + DEADLINE);
            }
            inputs.poll(Duration.ofMillis(100)).forEach(seenInputs::add);
        }
    }

    /** Waits until {@code n} input records of this type for the instance were seen, and returns them. */
    synchronized List<ConsumerRecord<String, byte[]>> awaitInputs(String instanceId, String type, int n)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> found = inputsOf(instanceId, type);
            if (found.size() >= n) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + found.size() + " of " + n + " " + type + " for '" + instanceId
                        + "' within " + DEADLINE);
            }
            inputs.poll(Duration.ofMillis(100)).forEach(seenInputs::add);
        }
    }

    /** The input records of this type for the instance seen so far (after reading what is there now). */
    synchronized List<ConsumerRecord<String, byte[]>> inputsOf(String instanceId, String type) {
        inputs.poll(Duration.ofMillis(50)).forEach(seenInputs::add);
        return seenInputs.stream().filter(r -> instanceId.equals(r.key()))
                .filter(r -> type.equals(MessageHeaders.type(r.headers()))).toList();
    }

    /**
     * Every input record of this type for the instance up to the current end of {@code orchestrations}:
     * exact, for counting (whatever was acknowledged before the call is included).
     */
    synchronized List<ConsumerRecord<String, byte[]>> allInputs(String instanceId, String type) throws Exception {
        Map<TopicPartition, Long> ends = inputEndOffsets();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (ends.entrySet().stream().anyMatch(e -> inputs.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read orchestrations to its end within " + DEADLINE);
            }
            inputs.poll(Duration.ofMillis(100)).forEach(seenInputs::add);
        }
        return seenInputs.stream().filter(r -> instanceId.equals(r.key()))
                .filter(r -> type.equals(MessageHeaders.type(r.headers()))).toList();
    }

    static OrchestrationMessage messageOf(ConsumerRecord<String, byte[]> record) throws IOException {
        return Json.MAPPER.readValue(record.value(), OrchestrationMessage.class);
    }

    /** The end offsets of {@code orchestrations}: unchanged when a request wrote nothing. */
    Map<TopicPartition, Long> inputEndOffsets() throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topics.orchestrations(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** An instance the node knows, written straight to the changelog (no start record behind it). */
    void seed(String instanceId, String name, RuntimeStatus rs, JsonNode input, JsonNode output, Instant created)
            throws Exception {
        writeInstance(new InstanceStatus(instanceId, name, "exec-1", rs, input, output, null,
                rs == RuntimeStatus.Failed ? FailureDetails.of("java.lang.IllegalStateException", "boom") : null,
                created, created, null, 1, -1));
    }

    /** Writes the node's records of many instances at once (pipelined). */
    void seedAll(List<InstanceStatus> statuses) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (InstanceStatus st : statuses) {
            sent.add(changelog.send(stateRecord(st.instanceId(), StoreKeys.instance(st.instanceId()),
                    StoreCodec.encodeInstance(stateOf(st)))));
        }
        for (var f : sent) {
            f.get();
        }
    }

    /** Writes the node's records of many entities at once (pipelined). */
    void seedEntities(List<EntityState> entities) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (EntityState e : entities) {
            sent.add(changelog.send(stateRecord(e.entityId(), StoreKeys.entity(e.entityId()), StoreCodec.encodeEntity(e))));
        }
        for (var f : sent) {
            f.get();
        }
    }

    /** The node's answer to a start through the gateway: a status reflecting the instance's latest start. */
    void advance(String instanceId, RuntimeStatus rs, JsonNode output) throws Exception {
        List<ConsumerRecord<String, byte[]>> starts = awaitInputs(instanceId, "StartOrchestration", 1);
        ConsumerRecord<String, byte[]> start = starts.getLast();
        writeInstance(status(startOf(start), start.offset(), rs, output,
                rs == RuntimeStatus.Failed ? FailureDetails.of("java.lang.IllegalStateException", "boom") : null));
    }

    /** The node deletes an instance (a purge) or an entity (its state deleted): a tombstone of its record. */
    void tombstone(String id) throws Exception {
        byte[] key = EntityInstanceId.isEntityId(id) ? StoreKeys.entity(id) : StoreKeys.instance(id);
        changelog.send(stateRecord(id, key, null)).get();
    }

    static StartOrchestration startOf(ConsumerRecord<String, byte[]> record) throws IOException {
        return (StartOrchestration) Json.MAPPER.readValue(record.value(), OrchestrationMessage.class);
    }

    /** Writes a record to {@code orchestrations} as an external producer would (type header optional). */
    org.apache.kafka.clients.producer.RecordMetadata produceInput(OrchestrationMessage message, boolean typeHeader)
            throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.orchestrations(), message.instanceId(),
                Json.MAPPER.writerFor(OrchestrationMessage.class).writeValueAsBytes(message));
        if (typeHeader) {
            MessageHeaders.setType(r.headers(), MessageHeaders.typeOf(message));
        }
        return producer.send(r).get();
    }

    /** The node's record of the instance, showing {@code status}. */
    void writeInstance(InstanceStatus status) throws Exception {
        changelog.send(stateRecord(status.instanceId(), StoreKeys.instance(status.instanceId()),
                StoreCodec.encodeInstance(stateOf(status)))).get();
    }

    /** The node's record of a durable entity. */
    void writeEntity(EntityState entity) throws Exception {
        seedEntities(List.of(entity));
    }

    /**
     * The history of an execution as the node stores it: one chunk per episode (a chunk starts at each
     * OrchestratorStarted marker), event {@code i} of the history having sequence number {@code i}.
     */
    void writeHistory(String instanceId, String executionId, List<HistoryEvent> events) throws Exception {
        writeHistory(instanceId, executionId, events, 0);
    }

    /** As {@link #writeHistory(String, String, List)}, the first event having sequence number {@code firstSeq}. */
    void writeHistory(String instanceId, String executionId, List<HistoryEvent> events, long firstSeq) throws Exception {
        int first = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || events.get(i) instanceof HistoryEvent.OrchestratorStarted) {
                HistoryChunk chunk = new HistoryChunk(instanceId, executionId, firstSeq + first, events.subList(first, i));
                changelog.send(stateRecord(instanceId, StoreKeys.historyChunk(instanceId, firstSeq + first),
                        StoreCodec.encodeHistory(chunk))).get();
                first = i;
            }
        }
    }

    /** A changelog record about {@code id}, in the partition the nodes' stream task of {@code id} writes. */
    private ProducerRecord<byte[], byte[]> stateRecord(String id, byte[] key, byte[] value) {
        return new ProducerRecord<>(topics.nodeStateChangelog(), Partitions.forKey(id, PARTITIONS), key, value);
    }

    /** The node's instance record that shows as {@code s}. */
    static InstanceState stateOf(InstanceStatus s) {
        return new InstanceState(s.instanceId(), s.name(), s.executionId(), s.runtimeStatus(), s.input(), s.output(),
                s.customStatus(), s.failureDetails(), s.createdTime(), s.lastUpdatedTime(), s.historySize(),
                s.parentInstanceId() == null ? null : new StartOrchestration.ParentInstance(s.parentInstanceId(), null, 0),
                List.of(), List.of(), s.inputOffset(), null, s.runtimeStatus(), 1);
    }

    static InstanceStatus status(StartOrchestration start, long inputOffset, RuntimeStatus rs, JsonNode output,
                                 FailureDetails failure) {
        Instant now = Instant.now();
        return new InstanceStatus(start.instanceId(), start.name(), "exec-1", rs, start.input(), output, null, failure,
                start.requestedTime(), now, null, 3, inputOffset);
    }

    static Map<String, String> firstHeaders(HttpResponse<?> r) {
        Map<String, String> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.headers().map().forEach((k, v) -> m.put(k, v.getFirst()));
        return m;
    }


    @Override
    public void close() {
        for (Gateway g : gateways) {
            g.close();
        }
        producer.close(Duration.ofSeconds(2));
        changelog.close(Duration.ofSeconds(2));
        inputs.close(Duration.ZERO);
        admin.close(Duration.ofSeconds(2));
    }
}
