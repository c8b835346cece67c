package io.durablekafka.node.instance;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.CallEntity;
import io.durablekafka.common.messages.FailTask;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.RequestEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.FailureDetails;
import io.durablekafka.common.store.InstanceState.EntityLockState;
import io.durablekafka.node.replay.Action;
import java.util.Set;

/** The one place that turns what orchestrator code asked for ({@link Action}s) into records and timers. */
public final class ActionDispatcher {

    private final Set<String> taskQueues;

    /** @param taskQueues the task queues that have a topic: an activity routed elsewhere fails at once */
    public ActionDispatcher(Set<String> taskQueues) {
        this.taskQueues = Set.copyOf(taskQueues);
    }

    public void dispatch(InstanceDraft d, Action action) {
        String id = d.instanceId();
        String executionId = d.executionId();
        switch (action) {
            case Action.ScheduleActivity a -> {
                if (taskQueues.contains(a.taskQueue())) {
                    d.dispatch(a.taskQueue(), new ActivityRequest(id, executionId, a.taskId(), a.name(), a.input()));
                } else {
                    // No topic for that queue: fail the task through the normal result path instead of losing it.
                    d.send(new FailTask(id, executionId, a.taskId(), FailureDetails.of("UnknownTaskQueue", "task queue '"
                            + a.taskQueue() + "' of activity '" + a.name() + "' is not provisioned; known queues: "
                            + taskQueues)));
                }
            }
            case Action.CreateTimer t -> d.armTimer(t.taskId(), t.fireAt());
            case Action.StartSubOrchestration s -> d.send(new StartOrchestration(s.instanceId(), s.name(), s.input(),
                    new StartOrchestration.ParentInstance(id, executionId, s.taskId()), null, d.now()));
            case Action.SendEvent e -> d.send(new RaiseEvent(e.instanceId(), e.name(), e.input()));
            case Action.CallEntityOperation c -> d.send(new CallEntity(c.entityId(), c.operation(), c.input(), id,
                    executionId, c.taskId()));
            case Action.SignalEntityOperation s -> d.send(new SignalEntity(s.entityId(), s.operation(), s.input(),
                    s.scheduledTime(), id));
            case Action.LockEntities l -> {
                d.lockRequested(new EntityLockState(l.taskId(), l.entities()));
                d.send(new RequestEntityLock(l.entities().getFirst(), id, executionId, l.taskId(), l.entities(), 0));
            }
            case Action.UnlockEntities u -> {
                d.lockReleased();
                for (String entity : u.entities()) {
                    d.send(new ReleaseEntityLock(entity, id, executionId, u.lockTaskId()));
                }
            }
        }
    }

    /** Sends the request of an activity again (rewind of a failed task), as its first dispatch did. */
    public void redispatch(InstanceDraft d, String taskQueue, int taskId, String name,
                           com.fasterxml.jackson.databind.JsonNode input) {
        dispatch(d, new Action.ScheduleActivity(taskId, name, input, taskQueue));
    }

    /** Asks again for the locks of a critical section (rewind of an instance that failed inside one). */
    public void requestLockAgain(InstanceDraft d, EntityLockState lock) {
        d.lockRequested(lock);
        d.send(new RequestEntityLock(lock.entities().getFirst(), d.instanceId(), d.executionId(), lock.taskId(),
                lock.entities(), 0));
    }
}
