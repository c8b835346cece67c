package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import io.durablekafka.common.messages.RewindOrchestration;
import io.durablekafka.common.status.InstanceCommand;
import io.durablekafka.common.status.RuntimeStatus;
import io.durablekafka.common.store.InstanceState.EntityLockState;
import io.durablekafka.node.replay.Action;
import io.durablekafka.node.replay.OrchestrationRunner;
import io.durablekafka.sdk.FunctionRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewinds a failed instance: the failure events leave history (so failed tasks are open again and run once more),
 * failed sub-orchestrations are rewound too, pending timers are re-armed, and the code replays. Failures the code
 * answered with a new step (a retry timer, say) stay: only the attempt that ended a retried call runs again. A
 * failure that escaped a critical section takes the section's unlock with it: the locks are asked for again.
 */
final class RewindHandler implements MessageHandler<RewindOrchestration> {

    private final ExecutionSteps steps;
    private final OrchestrationRunner runner;
    private final ActionDispatcher dispatcher;
    private final FunctionRegistry registry;
    private final HistoryReader history;

    RewindHandler(ExecutionSteps steps, OrchestrationRunner runner, ActionDispatcher dispatcher, FunctionRegistry registry,
                  HistoryReader history) {
        this.steps = steps;
        this.runner = runner;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.history = history;
    }

    @Override
    public String handle(InstanceDraft d, RewindOrchestration r) {
        InstanceCommand.Verdict verdict = InstanceCommand.REWIND.verdict(d.exists() ? d.status() : null);
        if (verdict == InstanceCommand.Verdict.NOT_FOUND) {
            return MessageHandler.doesNotExist(d);
        }
        if (verdict != InstanceCommand.Verdict.APPLY) {
            return null;
        }
        if (steps.isSdk(d.name())) {
            return "rewind is not supported for orchestrations run by SDK workers ('" + d.name() + "')";
        }
        runner.forget(d.instanceId());
        List<HistoryEvent> old = d.history(history);
        List<HistoryEvent> kept = new ArrayList<>(old.size());
        Map<Integer, HistoryEvent.TaskScheduled> activities = new HashMap<>();
        Map<Integer, HistoryEvent.SubOrchestrationInstanceCreated> children = new HashMap<>();
        Map<Integer, HistoryEvent.TimerCreated> openTimers = new LinkedHashMap<>();
        List<HistoryEvent.TaskScheduled> retried = new ArrayList<>();
        List<String> rewoundChildren = new ArrayList<>();
        HistoryEvent.EntityLockRequested openLock = null;
        for (int i = 0; i < old.size(); i++) {
            HistoryEvent e = old.get(i);
            // The steps the code took in reaction to an event are recorded right after it. A failure the code answered
            // with a new step (a retry timer, a catch that scheduled something) stays: rewinding it would re-open a
            // task that later recorded steps depend on. A failure followed only by unlocks escaped a critical section
            // (try-with-resources closed it): those unlocks go with the failure, so the section is open again.
            int reaction = i + 1;
            boolean newStep = false;
            while (reaction < old.size() && Action.isScheduling(old.get(reaction))) {
                newStep |= !(old.get(reaction) instanceof HistoryEvent.EntityUnlockSent);
                reaction++;
            }
            boolean answered = newStep;
            int unwound = reaction - i - 1;
            switch (e) {
                case HistoryEvent.TaskScheduled s -> {
                    activities.put(s.taskId(), s);
                    kept.add(e);
                }
                case HistoryEvent.SubOrchestrationInstanceCreated s -> {
                    children.put(s.taskId(), s);
                    kept.add(e);
                }
                case HistoryEvent.TimerCreated t -> {
                    openTimers.put(t.taskId(), t);
                    kept.add(e);
                }
                case HistoryEvent.TimerFired t -> {
                    openTimers.remove(t.timerId());
                    kept.add(e);
                }
                case HistoryEvent.EntityLockRequested l -> {
                    openLock = l;
                    kept.add(e);
                }
                case HistoryEvent.EntityUnlockSent u -> {
                    openLock = null;
                    kept.add(e);
                }
                case HistoryEvent.TaskFailed f when answered -> kept.add(e);
                case HistoryEvent.SubOrchestrationInstanceFailed f when answered -> kept.add(e);
                case HistoryEvent.TaskFailed f -> {
                    HistoryEvent.TaskScheduled s = activities.get(f.taskScheduledId());
                    if (s != null) {
                        retried.add(s);
                    }
                    i += unwound;
                }
                case HistoryEvent.SubOrchestrationInstanceFailed f -> {
                    HistoryEvent.SubOrchestrationInstanceCreated s = children.get(f.taskScheduledId());
                    if (s != null) {
                        rewoundChildren.add(s.instanceId());
                    }
                    i += unwound;
                }
                case HistoryEvent.ExecutionCompleted c when c.orchestrationStatus() == RuntimeStatus.Failed -> {
                    // the failure being rewound
                }
                default -> kept.add(e);
            }
        }
        d.dropHistoryAndTimers();
        d.appendAll(kept);
        d.revive();
        for (HistoryEvent.TaskScheduled s : retried) {
            dispatcher.redispatch(d, registry.taskQueueOf(s.name()), s.taskId(), s.name(), s.input());
        }
        for (String child : rewoundChildren) {
            d.send(new RewindOrchestration(child, r.reason()));
        }
        for (HistoryEvent.TimerCreated t : openTimers.values()) {
            d.armTimer(t.taskId(), t.fireAt());
        }
        if (openLock != null) {
            // It failed inside a critical section, whose locks were released then: ask for them again (same lock
            // task, so the grant completes a wait that replay re-opens, and is ignored when it was granted before).
            dispatcher.requestLockAgain(d, new EntityLockState(openLock.taskId(), openLock.lockSet()));
        }
        // Replay now: code that failed by itself (not through a task) fails again at once.
        steps.deliver(d, List.of());
        return null;
    }
}
