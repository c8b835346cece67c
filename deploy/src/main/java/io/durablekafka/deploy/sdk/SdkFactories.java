package io.durablekafka.deploy.sdk;

import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;

/**
 * The official Durable Task Java SDK registers orchestrations and activities as factories with a name; these make one
 * from a name and a lambda, for the benchmark's SDK workers and the tests' (the SDK has no such helper).
 */
public final class SdkFactories {

    private SdkFactories() {
    }

    public static TaskOrchestrationFactory orchestration(String name, TaskOrchestration code) {
        return new TaskOrchestrationFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskOrchestration create() {
                return code;
            }
        };
    }

    public static TaskActivityFactory activity(String name, TaskActivity code) {
        return new TaskActivityFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskActivity create() {
                return code;
            }
        };
    }
}
