package io.durablekafka.sdk;

/** An activity function: ordinary code, run at least once per call; its return value is the task result. */
@FunctionalInterface
public interface TaskActivity {
    Object run(TaskActivityContext ctx) throws Exception;
}
