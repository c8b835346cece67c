package io.durablekafka.gateway.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.common.topics.DeadLetters;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.webhooks.WebhookDelivery;
import io.durablekafka.common.webhooks.WebhookOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a hub's completion callbacks: a member of the consumer group {@link TopicNames#webhookDeliverers()} over
 * {@link TopicNames#webhooks()}, so each partition, and each callback, has one deliverer at a time, and any number
 * of gateways may run one.
 *
 * <p>Records wait in a {@link DueQueue} until due, so a retry due in an hour holds up nothing. Attempts run on
 * virtual threads (a slow receiver holds up no other); their results come back to the poll thread, the only one
 * that touches the consumer and the queue. A failed attempt is followed by a retry record (attempt + 1, due after
 * the backoff) on the same topic, and only once Kafka has it is the failed record's offset let go: the schedule
 * lives in Kafka, and whoever owns the partition next carries on with it. Outcomes go to the compacted
 * {@link TopicNames#webhookOutcomes()}. At least once: a deliverer that dies after an attempt and before its commit
 * leaves the attempt to be made again.
 */
public final class WebhookDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
    private static final int MAX_IN_FLIGHT = 64;
    /** Beyond this many records read and not finished, the deliverer stops reading until half are done. */
    private static final int MAX_QUEUED = 50_000;
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration BUSY_POLL = Duration.ofMillis(10);
    private static final Duration SEND_FAILURE_RETRY = Duration.ofSeconds(1);
    private static final int MAX_ERROR_LENGTH = 500;

    private final TopicNames topics;
    private final Properties clientConfig;
    private final CallbackPolicy policy;
    private final WebhookSigner signer;
    private final Backoff backoff;
    private final Duration attemptTimeout;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final DueQueue<Held> queue = new DueQueue<>();
    private final HttpClient http;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private Thread thread;
    private volatile boolean running;
    private int inFlight;
    private boolean paused;

    private final WebhookMetrics metrics;

    public WebhookDeliverer(TopicNames topics, Properties clientConfig, CallbackPolicy policy, WebhookSigner signer,
                            Backoff backoff, Duration attemptTimeout, WebhookMetrics metrics, Clock clock) {
        this.topics = topics;
        this.metrics = metrics;
        this.clientConfig = clientConfig;
        this.policy = policy;
        this.signer = signer;
        this.backoff = backoff;
        this.attemptTimeout = attemptTimeout;
        this.clock = clock;
        // Redirects are not followed: a public URL could otherwise bounce the POST to a private one.
        // HTTP/1.1: plain-text HTTP/2 upgrades on a POST trip up some receivers, and one small request gains nothing.
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(attemptTimeout).build();
    }

    public synchronized WebhookDeliverer start() {
        Properties c = new Properties();
        c.putAll(clientConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topics.webhookDeliverers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // nodes write deliveries in transactions
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dk-webhooks-" + topics.taskHub() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8));
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        running = true;
        thread = Thread.ofPlatform().name("dk-webhooks-" + topics.taskHub()).daemon().start(this::run);
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.webhooks()), new Rebalance());
            while (running) {
                try {
                    step();
                } catch (WakeupException e) {
                    // close() woke the poll
                } catch (RuntimeException e) {
                    LOG.warn("webhook deliverer of hub {}: {}", topics.taskHub(), e.toString());
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the webhook consumer: {}", e.toString());
            }
        }
    }

    private void step() {
        Duration wait = queue.untilNextDue(clock.instant(), inFlight > 0 || !completions.isEmpty() ? BUSY_POLL : IDLE_POLL);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            accept(r);
        }
        Runnable done;
        while ((done = completions.poll()) != null) {
            done.run();
        }
        Instant now = clock.instant();
        while (inFlight < MAX_IN_FLIGHT) {
            var due = queue.takeDue(now);
            if (due.isEmpty()) {
                break;
            }
            attempt(due.get());
        }
        throttle();
        var positions = queue.commitPositions();
        if (!positions.isEmpty()) {
            consumer.commitAsync(positions, (offsets, e) -> {
                if (e != null) {
                    LOG.debug("webhook offsets not committed: {}", e.toString());
                }
            });
            queue.committed(positions);
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        WebhookDelivery d;
        try {
            d = decode(r);
        } catch (IllegalArgumentException e) {
            deadLetter(r, queue.hold(tp, r.offset()), e.getMessage());
            return;
        }
        queue.add(tp, r.offset(), d.dueTime() == null ? Instant.EPOCH : d.dueTime(),
                new Held(d, TraceHeaders.read(r.headers())));
    }

    /** The record's delivery; a bad record (it goes to the dead-letter topic) throws with the reason. */
    static WebhookDelivery decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            throw new IllegalArgumentException("a webhook record without a value");
        }
        JsonNode tree;
        WebhookDelivery d;
        try {
            tree = Json.MAPPER.readTree(r.value());
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("a webhook record that is not a JSON object");
            }
            if (!WebhookDelivery.TYPE.equals(tree.path("type").asText())) {
                throw new IllegalArgumentException("unknown record type '" + tree.path("type").asText() + "'");
            }
            if (tree.path("v").asInt(1) > WebhookDelivery.SCHEMA_VERSION) {
                throw new IllegalArgumentException("WebhookDelivery version " + tree.path("v").asInt()
                        + " is newer than this deliverer knows (" + WebhookDelivery.SCHEMA_VERSION + ")");
            }
            d = Json.MAPPER.treeToValue(tree, WebhookDelivery.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable WebhookDelivery: " + e.getMessage());
        }
        if (d.webhookId() == null || d.url() == null || d.notice() == null || d.instanceId() == null
                || d.firstTime() == null || d.attempt() < 1) {
            throw new IllegalArgumentException("a WebhookDelivery needs webhookId, instanceId, url, notice, firstTime "
                    + "and an attempt from 1");
        }
        if (!d.instanceId().equals(r.key())) {
            throw new IllegalArgumentException("the record key '" + r.key() + "' differs from instanceId '"
                    + d.instanceId() + "'");
        }
        return d;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, DueQueue.Item<Held> held, String reason) {
        LOG.warn("dead-lettering webhook record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
        var record = new ProducerRecord<>(topics.deadLetter(), null, r.key(), r.value(),
                DeadLetters.headers(r.headers(), reason, r.topic(), r.partition(), r.offset()));
        producer.send(record, (meta, e) -> completions.add(() -> {
            if (e == null) {
                queue.finish(held);
            } else {
                LOG.warn("cannot dead-letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            }
        }));
    }

    /** Makes one attempt on a virtual thread; its result is handled on the poll thread. */
    private void attempt(DueQueue.Item<Held> item) {
        inFlight++;
        WebhookDelivery d = item.value().delivery();
        TraceContext trace = item.value().trace();
        Thread.ofVirtual().name("dk-webhook-" + d.webhookId()).start(() -> {
            Instant at = clock.instant();
            Result result = post(d, trace, at);
            completions.add(() -> {
                inFlight--;
                handle(item, result, at);
            });
        });
    }

    /** What an attempt came to. */
    private record Result(Integer status, String error, boolean permanent) {
        boolean delivered() {
            return status != null && status / 100 == 2;
        }
    }

    /** A delivery read from the topic, with the trace context of its record (null: none). */
    private record Held(WebhookDelivery delivery, TraceContext trace) {
    }

    private Result post(WebhookDelivery d, TraceContext trace, Instant at) {
        URI uri;
        try {
            // Checked again at each attempt: a name's addresses may have changed since the start was accepted.
            uri = policy.check(d.url());
        } catch (CallbackPolicy.Refused e) {
            return new Result(null, e.getMessage(), true);
        }
        byte[] body = Json.toBytes(d.notice());
        long timestamp = at.getEpochSecond();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        if (trace != null) {
            // The receiver may join the instance's trace, as any W3C-propagating HTTP client lets it.
            builder.header(TraceHeaders.TRACEPARENT, trace.traceparent());
            if (trace.tracestate() != null) {
                builder.header(TraceHeaders.TRACESTATE, trace.tracestate());
            }
        }
        HttpRequest request = builder
                .timeout(attemptTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "durable-kafka-webhooks")
                .header("webhook-id", d.webhookId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signer.sign(d.webhookId(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Result(status, status / 100 == 2 ? null : "HTTP " + status, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted", false);
        } catch (Exception e) {
            return new Result(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    false);
        }
    }

    private void handle(DueQueue.Item<Held> item, Result result, Instant at) {
        if (!queue.isCurrent(item)) {
            return; // the partition moved: its new owner makes the attempt again
        }
        WebhookDelivery d = item.value().delivery();
        String error = result.error() == null ? null : truncate(result.error());
        if (result.delivered()) {
            LOG.debug("webhook {} of instance {} delivered (attempt {})", d.webhookId(), d.instanceId(), d.attempt());
            outcome(d, WebhookOutcome.State.Delivered, result.status(), null, at, null, at);
            queue.finish(item);
            return;
        }
        var next = result.permanent() ? java.util.Optional.<Instant>empty()
                : backoff.next(d.attempt(), d.firstTime(), clock.instant());
        if (next.isEmpty()) {
            LOG.info("webhook {} of instance {} failed for good after {} attempt(s): {}", d.webhookId(),
                    d.instanceId(), d.attempt(), error);
            outcome(d, WebhookOutcome.State.Failed, result.status(), error, at, null, null);
            queue.finish(item);
            return;
        }
        // The outcome goes first: the retry it announces could otherwise be made, and its outcome written, before it.
        outcome(d, WebhookOutcome.State.Retrying, result.status(), error, at, next.get(), null);
        WebhookDelivery retry = d.retry(next.get(), error);
        var record = new ProducerRecord<>(topics.webhooks(), d.instanceId(), Json.toBytes(retry));
        io.durablekafka.common.messages.MessageHeaders.setType(record.headers(), WebhookDelivery.TYPE);
        TraceHeaders.write(record.headers(), item.value().trace()); // retries stay in the instance's trace
        producer.send(record, (meta, e) -> completions.add(() -> {
            if (e == null) {
                queue.finish(item);
            } else {
                LOG.warn("cannot write the retry of webhook {}: {}; trying again", d.webhookId(), e.toString());
                queue.requeue(item, clock.instant().plus(SEND_FAILURE_RETRY));
            }
        }));
    }

    private void outcome(WebhookDelivery d, WebhookOutcome.State state, Integer status, String error, Instant at,
                         Instant next, Instant delivered) {
        metrics.attempted(state);
        var outcome = new WebhookOutcome(d.webhookId(), d.instanceId(), d.url(),
                d.notice().runtimeStatus() == null ? null : d.notice().runtimeStatus().name(), state, d.attempt(),
                status, error, at, next, delivered);
        producer.send(new ProducerRecord<>(topics.webhookOutcomes(), d.instanceId(), Json.toBytes(outcome)),
                (meta, e) -> {
                    if (e != null) {
                        LOG.warn("cannot record the outcome of webhook {}: {}", d.webhookId(), e.toString());
                    }
                });
    }

    /** Stops reading while too many records wait, so memory stays bounded; resumes at half. */
    private void throttle() {
        int size = queue.size();
        if (!paused && size > MAX_QUEUED) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && size < MAX_QUEUED / 2) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private static String truncate(String s) {
        return s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH) + "...";
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            var positions = queue.commitPositions();
            positions.keySet().retainAll(partitions);
            try {
                if (!positions.isEmpty()) {
                    consumer.commitSync(positions);
                }
            } catch (RuntimeException e) {
                LOG.debug("committing revoked webhook partitions: {}", e.toString());
            }
            queue.drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            queue.drop(partitions);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            running = false;
        }
        if (t == null) {
            return;
        }
        consumer.wakeup();
        try {
            t.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        http.shutdownNow();
    }
}
