package io.durablekafka.common.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attribute names, as the Durable Task SDKs name them (durabletask-dotnet's and durabletask-go's tracing
 * schema), so that dashboards built for those work on these spans.
 */
public final class SpanAttributes {

    /** {@code orchestration}, {@code activity}, {@code timer}, {@code event}. */
    public static final AttributeKey<String> TYPE = AttributeKey.stringKey("durabletask.type");
    public static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("durabletask.task.name");
    public static final AttributeKey<String> INSTANCE_ID = AttributeKey.stringKey("durabletask.task.instance_id");
    public static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("durabletask.task.execution_id");
    public static final AttributeKey<Long> TASK_ID = AttributeKey.longKey("durabletask.task.task_id");
    public static final AttributeKey<String> STATUS = AttributeKey.stringKey("durabletask.runtime_status");
    public static final AttributeKey<String> FIRE_AT = AttributeKey.stringKey("durabletask.fire_at");
    public static final AttributeKey<String> EVENT_TARGET = AttributeKey.stringKey("durabletask.event.target_instance_id");

    public static final String TYPE_ORCHESTRATION = "orchestration";
    public static final String TYPE_ACTIVITY = "activity";
    public static final String TYPE_TIMER = "timer";
    public static final String TYPE_EVENT = "event";

    /** The instrumentation scope of every role's tracer. */
    public static final String SCOPE = "io.durablekafka";

    private SpanAttributes() {
    }
}
