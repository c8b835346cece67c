package io.durablekafka.node.topology;

import io.durablekafka.common.messages.ActivityRequest;
import io.durablekafka.common.messages.EntityMessage;
import io.durablekafka.common.messages.MessageHeaders;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.common.tracing.TraceHeaders;
import io.durablekafka.common.webhooks.WebhookDelivery;
import io.durablekafka.node.instance.Effect;
import io.durablekafka.node.instance.StepResult;
import io.durablekafka.node.store.NodeStore;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes what steps decided: the instance's record and history into the store, effects to the sinks and the
 * due-time index. Everything lands in the stream task's current transaction.
 */
final class StepWriter {

    private final ProcessorContext<String, Object> context;
    private final NodeStore store;
    /** Something was sent that an instance waits for through this node's own transaction. */
    private boolean commitWanted;

    StepWriter(ProcessorContext<String, Object> context, NodeStore store) {
        this.context = context;
        this.store = store;
    }

    void write(StepResult step) {
        String id = step.instanceId();
        if (step.historyDropped()) {
            store.dropHistory(id);
        }
        if (step.chunk() != null) {
            store.appendHistory(step.chunk());
        }
        if (step.stateChanged()) {
            if (step.deleted()) {
                store.deleteInstance(id);
            } else {
                store.putInstance(step.after());
            }
        }
        // What the instance causes carries its trace context (a purged instance's last effects have none).
        TraceContext trace = step.after() == null ? null : step.after().traceContext();
        for (Effect effect : step.effects()) {
            switch (effect) {
                case Effect.Send s -> send(s.message(), trace);
                case Effect.Dispatch d -> dispatch(d.taskQueue(), d.request(), trace);
                case Effect.IssueWork w -> issueWork(w.item(), trace);
                case Effect.ArmTimer t -> store.putDue(t.timer());
                case Effect.CancelTimer t -> store.deleteDue(t.timer());
                case Effect.PublishStatus p -> context.forward(new Record<String, Object>(p.instanceId(), p.status(),
                        System.currentTimeMillis(), new RecordHeaders()), NodeTopology.STATUS_SINK);
                case Effect.RequestWebhook w -> requestWebhook(w.delivery(), trace);
            }
        }
        if (step.ended()) {
            commitWanted = true;
        }
    }

    /** A message on {@code orchestrations}: its receiver reads it only once this transaction commits. */
    void send(OrchestrationMessage message) {
        send(message, null);
    }

    /** As {@link #send(OrchestrationMessage)}, with the trace headers of {@code trace} (null: none). */
    void send(OrchestrationMessage message, TraceContext trace) {
        if (!(message instanceof EntityMessage m) || m.awaited()) {
            commitWanted = true; // signals are one-way: nobody waits for them
        }
        var headers = new RecordHeaders();
        MessageHeaders.setType(headers, MessageHeaders.typeOf(message));
        TraceHeaders.write(headers, trace);
        context.forward(new Record<>(message.instanceId(), message, System.currentTimeMillis(), headers),
                NodeTopology.ORCHESTRATIONS_SINK);
    }

    private void dispatch(String taskQueue, ActivityRequest request, TraceContext trace) {
        var headers = new RecordHeaders();
        headers.add(NodeTopology.QUEUE_HEADER, taskQueue.getBytes(StandardCharsets.UTF_8));
        MessageHeaders.setType(headers, "ActivityRequest");
        TraceHeaders.write(headers, trace);
        context.forward(new Record<>(request.instanceId(), request, System.currentTimeMillis(), headers),
                NodeTopology.TASKS_SINK);
    }

    /** An SDK worker waits for this work item, which it reads only once this transaction commits. */
    private void issueWork(io.durablekafka.common.messages.OrchestratorWorkItem item, TraceContext trace) {
        commitWanted = true;
        var headers = new RecordHeaders();
        MessageHeaders.setType(headers, item.type());
        TraceHeaders.write(headers, trace);
        context.forward(new Record<>(item.instanceId(), item, System.currentTimeMillis(), headers),
                NodeTopology.SDK_WORK_SINK);
    }

    /** An SDK worker waits for this entity work item, which it reads only once this transaction commits. */
    void issueEntityWork(io.durablekafka.common.messages.EntityWorkItem item) {
        commitWanted = true;
        var headers = new RecordHeaders();
        MessageHeaders.setType(headers, item.type());
        context.forward(new Record<>(item.entityId(), item, System.currentTimeMillis(), headers),
                NodeTopology.SDK_ENTITY_WORK_SINK);
    }

    private void requestWebhook(WebhookDelivery delivery, TraceContext trace) {
        var headers = new RecordHeaders();
        MessageHeaders.setType(headers, WebhookDelivery.TYPE);
        TraceHeaders.write(headers, trace);
        context.forward(new Record<>(delivery.instanceId(), delivery, System.currentTimeMillis(), headers),
                NodeTopology.WEBHOOKS_SINK);
    }

    /** Whether a commit is wanted since the last call (and forgets it). */
    boolean takeCommitWanted() {
        boolean wanted = commitWanted;
        commitWanted = false;
        return wanted;
    }

    void wantCommit() {
        commitWanted = true;
    }
}
