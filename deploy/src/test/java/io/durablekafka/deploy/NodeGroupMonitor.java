package io.durablekafka.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches the orchestrator nodes' consumer group (the Kafka Streams application's group) through the Admin API:
 * which node owns which partition of the {@code orchestrations} topic, and when that changed. Polls every 50 ms
 * on its own thread and keeps every distinct state with the time it was first seen.
 */
final class NodeGroupMonitor implements AutoCloseable {

    /** A member of the group; {@code node} is its {@code group.instance.id} (or client ID) without Kafka's suffix. */
    record Member(String memberId, String node, Set<Integer> partitions) {
    }

    /** The group as one describe call saw it. */
    record Snapshot(Instant at, String state, List<Member> members) {

        boolean stable() {
            return "STABLE".equalsIgnoreCase(state);
        }

        Set<Integer> partitionsOf(String node) {
            Set<Integer> partitions = new TreeSet<>();
            members.stream().filter(m -> m.node().equals(node)).forEach(m -> partitions.addAll(m.partitions()));
            return partitions;
        }

        Optional<Member> memberOf(String node) {
            return members.stream().filter(m -> m.node().equals(node)).findFirst();
        }

        /** Stable, and every partition owned by exactly one member. */
        boolean settled(int partitions) {
            if (!stable()) {
                return false;
            }
            List<Integer> owned = new ArrayList<>();
            members.forEach(m -> owned.addAll(m.partitions()));
            return owned.size() == partitions && new TreeSet<>(owned).size() == partitions;
        }

        String describe() {
            StringBuilder b = new StringBuilder(state);
            members.forEach(m -> b.append("  ").append(m.node()).append(' ').append(m.partitions())
                    .append(" (member ").append(m.memberId(), 0, Math.min(8, m.memberId().length())).append(')'));
            return b.toString();
        }

        boolean sameAs(Snapshot other) {
            return other != null && state.equals(other.state) && members.equals(other.members);
        }
    }

    private final Admin admin;
    private final String groupId;
    private final String topic;
    private final Consumer<String> log;
    private final List<Snapshot> changes = new ArrayList<>();
    private final Thread thread;
    private volatile Snapshot latest;
    private volatile boolean closed;

    NodeGroupMonitor(Admin admin, String groupId, String topic, Consumer<String> log) {
        this.admin = admin;
        this.groupId = groupId;
        this.topic = topic;
        this.log = log;
        this.thread = Thread.ofPlatform().daemon().name("node-group-monitor").start(this::run);
    }

    private void run() {
        while (!closed) {
            Snapshot s = describe();
            if (s != null) {
                synchronized (this) {
                    if (!s.sameAs(latest)) {
                        changes.add(s);
                        log.accept("group " + s.describe());
                    }
                    latest = s;
                }
            }
            // The polling interval of this monitor (not a wait for an outcome).
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private Snapshot describe() {
        Instant at = Instant.now();
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(5, TimeUnit.SECONDS);
            List<Member> members = new ArrayList<>();
            for (MemberDescription m : d.members()) {
                Set<Integer> partitions = new TreeSet<>();
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        partitions.add(tp.partition());
                    }
                }
                members.add(new Member(m.consumerId(), nodeName(m), partitions));
            }
            members.sort(Comparator.comparing(Member::node).thenComparing(Member::memberId));
            return new Snapshot(at, String.valueOf(d.groupState()), List.copyOf(members));
        } catch (Exception e) {
            if (closed) {
                return null;
            }
            return new Snapshot(at, "UNKNOWN (" + e.getClass().getSimpleName() + ")", List.of());
        }
    }

    /** Kafka Streams appends {@code -<thread>} to {@code group.instance.id} and {@code -StreamThread-..} to {@code client.id}. */
    private static String nodeName(MemberDescription m) {
        if (m.groupInstanceId().isPresent()) {
            return m.groupInstanceId().get().replaceFirst("-\\d+$", "");
        }
        String clientId = m.clientId();
        int i = clientId.indexOf("-StreamThread");
        return i > 0 ? clientId.substring(0, i) : clientId;
    }

    Snapshot latest() {
        return latest;
    }

    /**
     * Waits until the group satisfies {@code condition}; returns the first moment at or after {@code since} at
     * which this monitor saw it do so.
     */
    Instant await(String what, Instant since, Duration deadline, Predicate<Snapshot> condition, String whereToLook) {
        long end = System.nanoTime() + deadline.toNanos();
        while (latest == null || !condition.test(latest)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what + "; the group is "
                        + (latest == null ? "not described yet" : latest.describe()) + "; see " + whereToLook);
            }
            TestCluster.pause();
        }
        synchronized (this) {
            Snapshot inEffect = null;
            for (Snapshot s : changes) {
                if (s.at().isAfter(since)) {
                    if (inEffect != null && condition.test(inEffect)) {
                        return since;
                    }
                    if (condition.test(s)) {
                        return s.at();
                    }
                }
                inEffect = s;
            }
            return inEffect != null && condition.test(inEffect) ? since : latest.at();
        }
    }

    /** Whether any state seen between {@code from} and {@code to} satisfies {@code condition}. */
    synchronized boolean seenBetween(Instant from, Instant to, Predicate<Snapshot> condition) {
        return changes.stream().anyMatch(s -> !s.at().isBefore(from) && !s.at().isAfter(to) && condition.test(s));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
