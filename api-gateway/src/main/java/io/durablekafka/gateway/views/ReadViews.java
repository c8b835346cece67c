package io.durablekafka.gateway.views;

import io.durablekafka.common.history.HistoryRecord;
import io.durablekafka.common.topics.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's read side: the views of one hub ({@link ViewStore}, kept up to date by a tailer thread) and
 * the read barrier that makes them consistent with what was accepted before a read.
 *
 * <p><b>Sources.</b> Instances, their history and entities come from the changelog of the nodes' state store
 * ({@link StateChangelog}), which Kafka Streams writes in the nodes' transactions. A record of that changelog lies
 * in the partition of the stream task that wrote it: the partition of its instance (or entity) in
 * {@code orchestrations}, whatever its key. So partition {@code p} of both topics holds everything about the
 * instances of partition {@code p}.
 *
 * <p><b>Pending starts.</b> The tailer also reads {@code orchestrations} from the node group's committed offsets
 * (everything before was processed and is reflected in the changelog) and indexes each
 * {@code StartOrchestration} until an instance record with {@code inputOffset} at or past the start's offset
 * arrives. A start the nodes processed without ever reflecting it (they reject a start for an active instance)
 * is dropped by a periodic check against the node group's committed offsets.
 *
 * <p><b>Read barrier.</b> A lookup that misses reads the last stable offsets of the instance's partition in
 * {@code orchestrations} and in the changelog, waits until the views have consumed up to them and looks again:
 * a start acknowledged before the read is then either pending in the view or reflected by the node's record, on
 * this gateway and on any other.
 */
public final class ReadViews implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadViews.class);
    public static final Duration DEFAULT_BARRIER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(5);
    private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);
    /** Kept views are resumed only when younger than the changelog's tombstone retention less this. */
    private static final Duration RESUME_RETENTION_MARGIN = Duration.ofMinutes(10);

    private final TopicNames topics;
    private final Admin admin;
    private final Properties consumerConfig;
    private final Path storeDir;
    private final Duration reapInterval;
    private final ViewPositions positions = new ViewPositions();
    private final InstanceNotifier notifier = new InstanceNotifier();
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private ViewStore store;
    private ViewTailer tailer;
    private ScheduledExecutorService reaper;
    private Map<TopicPartition, Long> previousCommitted;
    /** Where the views' consumer reports its metrics (consumer lag); none unless set before {@link #start}. */
    private io.micrometer.core.instrument.MeterRegistry meters;
    private AutoCloseable consumerMetrics;
    /** {@link #start} resumed views kept from an earlier run rather than building them from the beginning. */
    private volatile boolean resumed;
    /** {@link #start} saw the views reach the topics' ends. */
    private volatile boolean caughtUp;

    /**
     * @param admin          used for offsets and topic metadata; not closed by this object
     * @param consumerConfig base consumer properties (bootstrap servers, security)
     * @param storeDir       the RocksDB directory (emptied at start)
     * @param reapInterval   how often pending starts are checked against the nodes' committed offsets
     */
    public ReadViews(TopicNames topics, Admin admin, Properties consumerConfig, Path storeDir, Duration reapInterval) {
        this.topics = topics;
        this.admin = admin;
        this.consumerConfig = consumerConfig;
        this.storeDir = storeDir;
        this.reapInterval = reapInterval;
    }

    /** Reports the views' consumer metrics (its lag behind the topics among them) to {@code meters}. */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Builds the views and returns once they have consumed every partition up to its end offset as of the start;
     * fails when they make no progress for {@code timeout} (or Kafka does not answer within it).
     */
    public void start(Duration timeout) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        List<String> names = List.of(topics.orchestrations(), topics.nodeStateChangelog());
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("the topics of task hub '" + topics.taskHub() + "' do not exist ("
                        + names + "): provision the hub first", e.getCause());
            }
            throw new IllegalStateException("cannot describe the topics of hub '" + topics.taskHub() + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " (describe topics)", e);
        }
        descriptions.forEach((name, d) -> partitionCounts.put(name, d.partitions().size()));
        if (partitionCount(topics.orchestrations()) != partitionCount(topics.nodeStateChangelog())) {
            // Kafka Streams refuses such a changelog too; the barrier relies on partition p of one being that of the other.
            throw new IllegalStateException("the nodes' state changelog " + topics.nodeStateChangelog() + " has "
                    + partitionCount(topics.nodeStateChangelog()) + " partitions, but " + topics.orchestrations()
                    + " has " + partitionCount(topics.orchestrations()) + ": they must have the same number");
        }

        Map<TopicPartition, Long> orchestrationsStart = nodeCommittedOffsets(remaining(deadline));
        Map<TopicPartition, Long> resumeFrom = Map.of();
        store = ViewStore.openKept(storeDir);
        Optional<ViewStore.Saved> saved = store.saved();
        String refusal = saved.isEmpty() ? "no views kept" : resumeRefusal(saved.get(), remaining(deadline));
        if (refusal == null) {
            resumeFrom = saved.get().positions();
            resumed = true;
            LOG.info("views of hub {}: resuming the views kept in {} (saved {} s ago)", topics.taskHub(), storeDir,
                    (System.currentTimeMillis() - saved.get().savedAtMillis()) / 1000);
        } else {
            LOG.info("views of hub {}: building them from the topics ({})", topics.taskHub(), refusal);
            store.close();
            store = ViewStore.open(storeDir);
        }
        tailer = new ViewTailer(consumerConfig, topics, partitionCounts, orchestrationsStart, resumeFrom, store,
                positions, notifier);
        if (meters != null) {
            consumerMetrics = tailer.bindMetrics(meters);
        }
        tailer.start();

        Map<TopicPartition, Long> ends = endOffsets(allPartitions(), remaining(deadline));
        awaitStartCaughtUp(ends, timeout);
        LOG.info("views of hub {} caught up in {} ms ({} records up to the end offsets of {} partitions) in {}",
                topics.taskHub(), (System.nanoTime() - begin) / 1_000_000,
                ends.values().stream().mapToLong(Long::longValue).sum(), ends.size(), storeDir);
        caughtUp = true;
        if (reapInterval != null && !reapInterval.isZero() && !reapInterval.isNegative()) {
            reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dk-gateway-reaper-" + topics.taskHub());
                t.setDaemon(true);
                return t;
            });
            reaper.scheduleWithFixedDelay(this::reapSafely, reapInterval.toMillis(), reapInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Why views kept from an earlier run must not be resumed, or null when they may: they must name every
     * partition the views read, lie within each partition's offsets (not past its end: the topic was recreated;
     * not before its start: records were deleted unread), and be younger than the changelog's
     * {@code delete.retention.ms} (less a margin): a compacted topic keeps a tombstone at least that long, so a
     * reader that left off more recently cannot miss one and keep an instance that was purged.
     */
    String resumeRefusal(ViewStore.Saved saved, long timeoutNanos) throws InterruptedException {
        List<TopicPartition> all = allPartitions();
        if (!saved.positions().keySet().equals(new java.util.HashSet<>(all))) {
            return "the kept views name other partitions than " + all.size() + " of " + topics.orchestrations()
                    + " and " + topics.nodeStateChangelog();
        }
        long age = System.currentTimeMillis() - saved.savedAtMillis();
        long retention;
        Map<TopicPartition, Long> starts;
        Map<TopicPartition, Long> ends;
        try {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.nodeStateChangelog());
            var entry = admin.describeConfigs(List.of(resource)).all().get(Math.max(timeoutNanos, 1), TimeUnit.NANOSECONDS)
                    .get(resource).get(org.apache.kafka.common.config.TopicConfig.DELETE_RETENTION_MS_CONFIG);
            retention = entry == null || entry.value() == null ? 86_400_000L : Long.parseLong(entry.value());
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            all.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            starts = new HashMap<>();
            admin.listOffsets(earliest).all().get(Math.max(timeoutNanos, 1), TimeUnit.NANOSECONDS)
                    .forEach((tp, info) -> starts.put(tp, info.offset()));
            ends = endOffsets(all, timeoutNanos);
        } catch (ExecutionException | TimeoutException | IllegalStateException | NumberFormatException e) {
            return "cannot check the kept views against the topics: " + e.getMessage();
        }
        long margin = Math.min(retention / 10, RESUME_RETENTION_MARGIN.toMillis());
        if (age < 0 || age > retention - margin) {
            return "the kept views are " + age / 1000 + " s old, " + topics.nodeStateChangelog()
                    + " keeps tombstones for " + retention / 1000 + " s";
        }
        for (TopicPartition tp : all) {
            long p = saved.positions().get(tp);
            if (p < starts.get(tp) || p > ends.get(tp)) {
                return "the kept position " + p + " of " + tp + " is outside its offsets " + starts.get(tp) + " to "
                        + ends.get(tp);
            }
        }
        return null;
    }

    /**
     * Waits until the views reach {@code ends}. The timeout bounds a stall, not the whole catch-up: a hub with
     * millions of instances takes minutes to read, and a gateway that gave up after a fixed time would never start.
     */
    private void awaitStartCaughtUp(Map<TopicPartition, Long> ends, Duration stallTimeout) throws InterruptedException {
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        Map<TopicPartition, Long> seen = positions.snapshot();
        long lastProgress = System.nanoTime();
        while (!positions.awaitReached(ends, PROGRESS_LOG_INTERVAL)) {
            Throwable failure = positions.failure();
            Map<TopicPartition, Long> now = positions.snapshot();
            if (failure == null && !now.equals(seen)) {
                seen = now;
                lastProgress = System.nanoTime();
                long done = ends.keySet().stream().mapToLong(tp -> Math.min(ends.get(tp), Math.max(0, now.getOrDefault(tp, 0L)))).sum();
                LOG.info("views of hub {} catching up: at {} of {} (sum of the partitions' offsets)", topics.taskHub(),
                        done, total);
            } else if (failure != null || System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                throw new IllegalStateException("the views of hub '" + topics.taskHub() + "' did not catch up: "
                        + (failure != null ? failure : "no progress for " + stallTimeout + "; behind (position/end): "
                        + positions.lag(ends)), failure);
            }
        }
    }

    public TopicNames topics() {
        return topics;
    }

    /** Records the views' consumer applied since {@link #start} (a resume reads only what came after the kept views). */
    long recordsApplied() {
        return tailer == null ? 0 : tailer.applied();
    }

    /** Whether {@link #start} resumed views kept from an earlier run. */
    public boolean resumed() {
        return resumed;
    }

    /**
     * Why the views cannot serve (for the readiness probe), or null when they can: they caught up with the topics
     * at start and their consumer has not stopped for good since.
     */
    public String notReadyReason() {
        Throwable failure = positions.failure();
        if (failure != null) {
            return "the views of hub " + topics.taskHub() + " stopped: " + failure;
        }
        return caughtUp ? null : "the views of hub " + topics.taskHub() + " have not caught up yet";
    }

    public ViewStore store() {
        return store;
    }

    public ViewPositions positions() {
        return positions;
    }

    public int partitionCount(String topic) {
        Integer n = partitionCounts.get(topic);
        if (n == null) {
            throw new IllegalArgumentException("not a topic of the views: " + topic);
        }
        return n;
    }

    /** What the view holds now, without a barrier. */
    public Optional<InstanceView> find(String instanceId) {
        return store.find(instanceId);
    }

    /**
     * The instance, consistent with every start acknowledged before this call: when the view has no such
     * instance, or a terminal one (which an accepted start may have replaced since), runs the read barrier on
     * the instance's partitions and looks again. Active instances are answered from the view directly.
     *
     * @throws ViewUnavailableException when the barrier cannot complete within {@code timeout}
     */
    public Optional<InstanceView> findConsistent(String instanceId, Duration timeout) throws InterruptedException {
        Optional<InstanceView> view = store.find(instanceId);
        if (view.isPresent() && view.get().isActive()) {
            return view;
        }
        awaitCaughtUp(instancePartitions(instanceId), timeout);
        return store.find(instanceId);
    }

    /**
     * The entity if it exists, consistent with every change the nodes committed before this call: a miss runs the
     * read barrier on the entity's partitions and looks again.
     *
     * @throws ViewUnavailableException when the barrier cannot complete within {@code timeout}
     */
    public Optional<EntityView> findEntityConsistent(String entityId, Duration timeout) throws InterruptedException {
        Optional<EntityView> view = store.findEntity(entityId).filter(EntityView::exists);
        if (view.isPresent()) {
            return view;
        }
        awaitCaughtUp(instancePartitions(entityId), timeout);
        return store.findEntity(entityId).filter(EntityView::exists);
    }

    public InstanceNotifier notifier() {
        return notifier;
    }

    /**
     * Waits, without polling, until the instance as the view shows it satisfies {@code condition} (checked
     * now and after every change the tailer applies to it), or the timeout passes.
     *
     * @return what the view shows at the end: satisfying the condition unless the time ran out (or the views
     *         stopped)
     */
    public Optional<InstanceView> awaitInstance(String instanceId, Predicate<Optional<InstanceView>> condition,
                                                Duration timeout) throws InterruptedException {
        try {
            return awaitInstanceAsync(instanceId, condition, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * As {@link #awaitInstance}, without holding a thread while waiting (long-polling requests): the future
     * completes with what the view shows once it satisfies {@code condition}, or at the timeout.
     */
    public CompletableFuture<Optional<InstanceView>> awaitInstanceAsync(
            String instanceId, Predicate<Optional<InstanceView>> condition, Duration timeout) {
        return InstanceWait.start(store, notifier, instanceId, condition, timeout);
    }

    /**
     * The read barrier of list queries: waits until the views have consumed every partition of
     * {@code orchestrations} and of the changelog up to its end as of now, so every start acknowledged before
     * (to any gateway or producer) and every change the nodes committed before is listed.
     *
     * @throws ViewUnavailableException when that does not happen within {@code timeout}
     */
    public void awaitAllCaughtUp(Duration timeout) throws InterruptedException {
        awaitCaughtUp(allPartitions(), timeout);
    }

    /**
     * Waits until the views have consumed the record at {@code offset} of {@code partition} (read-your-writes
     * after publishing a command).
     *
     * @return false on timeout (or when the views stopped)
     */
    public boolean awaitConsumed(TopicPartition partition, long offset, Duration timeout) throws InterruptedException {
        return positions.awaitReached(Map.of(partition, offset + 1), timeout);
    }

    /**
     * The history records of the instance's current execution (all stored ones when it has none), without the
     * nodes' episode markers.
     */
    public List<HistoryRecord> history(String instanceId, String executionId) {
        List<HistoryRecord> all = store.history(instanceId);
        if (executionId == null) {
            return all;
        }
        return all.stream().filter(r -> r.executionId() == null || executionId.equals(r.executionId())).toList();
    }

    /**
     * The instance's (or entity's) partitions in {@code orchestrations} and in the changelog: the same number, since
     * the nodes write its records from the stream task of its {@code orchestrations} partition.
     */
    public List<TopicPartition> instancePartitions(String instanceId) {
        int p = Partitions.forKey(instanceId, partitionCount(topics.orchestrations()));
        return List.of(new TopicPartition(topics.orchestrations(), p), new TopicPartition(topics.nodeStateChangelog(), p));
    }

    /** Every partition the views read (for barriers of list queries). */
    public List<TopicPartition> allPartitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(topics.orchestrations(), topics.nodeStateChangelog())) {
            for (int p = 0; p < partitionCount(topic); p++) {
                all.add(new TopicPartition(topic, p));
            }
        }
        return all;
    }

    /**
     * The read barrier: waits until the views have consumed these partitions up to their last stable
     * offsets as of now.
     *
     * @throws ViewUnavailableException when that does not happen within {@code timeout}
     */
    public void awaitCaughtUp(Collection<TopicPartition> partitions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable failure = positions.failure();
        if (failure != null) {
            throw new ViewUnavailableException("the views stopped: " + failure.getMessage(), failure);
        }
        Map<TopicPartition, Long> ends;
        try {
            ends = endOffsets(partitions, remaining(deadline));
        } catch (IllegalStateException e) {
            throw new ViewUnavailableException(e.getMessage(), e.getCause());
        }
        if (!positions.awaitReached(ends, Duration.ofNanos(remaining(deadline)))) {
            failure = positions.failure();
            throw new ViewUnavailableException(failure != null
                    ? "the views stopped: " + failure.getMessage()
                    : "the views did not catch up within " + timeout + "; behind (position/end): " + positions.lag(ends));
        }
    }

    /** Last stable offsets (read_committed end offsets) of the partitions. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, long timeoutNanos) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition tp : new LinkedHashSet<>(partitions)) {
            request.put(tp, OffsetSpec.latest());
        }
        try {
            var result = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(Math.max(timeoutNanos, 1), TimeUnit.NANOSECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            result.forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + request.keySet() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not return end offsets in time", e);
        }
    }

    /** The node group's committed offsets on {@code orchestrations} (empty when the group has none). */
    private Map<TopicPartition, Long> nodeCommittedOffsets(long timeoutNanos) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(topics.nodeApplicationId())
                    .partitionsToOffsetAndMetadata().get(Math.max(timeoutNanos, 1), TimeUnit.NANOSECONDS);
            Map<TopicPartition, Long> result = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null && tp.topic().equals(topics.orchestrations())) {
                    result.put(tp, om.offset());
                }
            });
            return result;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + topics.nodeApplicationId()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not return committed offsets in time", e);
        }
    }

    private void reapSafely() {
        try {
            reapOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("checking pending starts of hub {} failed: {}", topics.taskHub(), e.toString());
        }
    }

    /**
     * Drops pending starts the nodes have processed (the node group's committed offset, as seen one round
     * earlier so that the transaction's markers are surely written, is past them) without any instance record
     * reflecting them once the views have read their changelog partitions to the end: the nodes rejected them.
     */
    void reapOnce() throws InterruptedException {
        if (!store.hasPendingStarts()) {
            previousCommitted = null;
            return;
        }
        Map<TopicPartition, Long> committed = nodeCommittedOffsets(TimeUnit.SECONDS.toNanos(10));
        Map<TopicPartition, Long> previous = previousCommitted;
        previousCommitted = committed;
        if (previous == null || previous.isEmpty()) {
            return;
        }
        List<PendingStart> candidates = store.pendingStarts().stream().filter(p -> {
            Long c = previous.get(new TopicPartition(topics.orchestrations(), p.partition()));
            return c != null && c > p.offset();
        }).toList();
        if (candidates.isEmpty()) {
            return;
        }
        Set<TopicPartition> changelogPartitions = new LinkedHashSet<>();
        for (PendingStart p : candidates) {
            // The node's record of the instance lies in the changelog partition of the start's partition.
            changelogPartitions.add(new TopicPartition(topics.nodeStateChangelog(), p.partition()));
        }
        Map<TopicPartition, Long> ends = endOffsets(changelogPartitions, TimeUnit.SECONDS.toNanos(10));
        if (positions.awaitReached(ends, DEFAULT_BARRIER_TIMEOUT)) {
            LOG.info("dropping {} pending start(s) of hub {} that the nodes processed without starting them: {}",
                    candidates.size(), topics.taskHub(), candidates.stream().map(PendingStart::instanceId).toList());
            tailer.requestDrops(candidates);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    @Override
    public void close() {
        if (reaper != null) {
            reaper.shutdownNow();
            try {
                reaper.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumerMetrics != null) {
            try {
                consumerMetrics.close();
            } catch (Exception e) {
                LOG.debug("unbinding the view consumer's metrics failed", e);
            }
        }
        if (tailer != null) {
            tailer.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
