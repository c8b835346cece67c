package io.durablekafka.deploy.benchmark;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Official Durable Task Java SDK workers for {@code benchmark --sdk-workers N}: {@value #HELLO_SEQUENCE_5} is the
 * sample HelloSequence5 (five SayHello activities in a row) written with that SDK, so that the node hands it to these
 * workers as work items and the figures compare with the in-process sample's.
 */
final class SdkBenchWorkers implements AutoCloseable {

    static final String HELLO_SEQUENCE_5 = "SdkHelloSequence5";
    private static final String SAY_HELLO = "SdkSayHello";
    private static final List<String> CITIES = List.of("Tokyo", "Seattle", "London", "Paris", "Cairo");

    private final List<DurableTaskGrpcWorker> workers;

    private SdkBenchWorkers(List<DurableTaskGrpcWorker> workers) {
        this.workers = workers;
    }

    static SdkBenchWorkers start(int grpcPort, int count) {
        List<DurableTaskGrpcWorker> workers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            DurableTaskGrpcWorker w = new DurableTaskGrpcWorkerBuilder().port(grpcPort)
                    .addOrchestration(orchestration(HELLO_SEQUENCE_5, ctx -> {
                        List<String> out = new ArrayList<>(CITIES.size());
                        for (String city : CITIES) {
                            out.add(ctx.callActivity(SAY_HELLO, city, String.class).await());
                        }
                        ctx.complete(out);
                    }))
                    .addActivity(activity(SAY_HELLO, ctx -> "Hello " + ctx.getInput(String.class) + "!"))
                    .build();
            // Its own loop retries the connection forever, on a thread that would keep this JVM alive: a daemon one.
            Thread.ofPlatform().name("sdk-bench-worker-" + i).daemon().start(w::startAndBlock);
            workers.add(w);
        }
        return new SdkBenchWorkers(workers);
    }

    private static TaskOrchestrationFactory orchestration(String name, TaskOrchestration code) {
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

    private static TaskActivityFactory activity(String name, TaskActivity code) {
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

    @Override
    public void close() {
        workers.forEach(DurableTaskGrpcWorker::close);
    }
}
