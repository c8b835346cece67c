package io.durablekafka.gateway.api;

import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.gateway.publish.CommandPublisher;
import io.durablekafka.gateway.views.ReadViews;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the API uses of one task hub: its topics, read views and command publisher, and the locks that
 * serialize starts of the same instance ID through this gateway.
 */
public final class HubServices {

    private final TopicNames topics;
    private final ReadViews views;
    private final CommandPublisher publisher;
    /** One lock per instance ID being started; entries live only while someone holds or waits for them. */
    private final ConcurrentHashMap<String, ReentrantLock> startLocks = new ConcurrentHashMap<>();

    public HubServices(TopicNames topics, ReadViews views, CommandPublisher publisher) {
        this.topics = topics;
        this.views = views;
        this.publisher = publisher;
    }

    public String name() {
        return topics.taskHub();
    }

    public TopicNames topics() {
        return topics;
    }

    public ReadViews views() {
        return views;
    }

    public CommandPublisher publisher() {
        return publisher;
    }

    /**
     * Takes the lock guarding the check-then-publish of a start of this instance ID; starts of other IDs
     * never wait for it. Release with {@link #unlockStart}.
     */
    ReentrantLock lockStart(String instanceId) throws InterruptedException {
        while (true) {
            ReentrantLock lock = startLocks.computeIfAbsent(instanceId, id -> new ReentrantLock());
            lock.lockInterruptibly();
            if (startLocks.get(instanceId) == lock) {
                return lock;
            }
            lock.unlock(); // dropped from the map while we waited: take the current one
        }
    }

    void unlockStart(String instanceId, ReentrantLock lock) {
        if (!lock.hasQueuedThreads()) {
            startLocks.remove(instanceId, lock);
        }
        lock.unlock();
    }
}
