package io.durablekafka.deploy.benchmark;

import static io.durablekafka.deploy.sdk.SdkFactories.activity;
import static io.durablekafka.deploy.sdk.SdkFactories.orchestration;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    private final List<ManagedChannel> channels;
    private final AnswerTimes answers;
    private final long startedNanos = System.nanoTime();

    private SdkBenchWorkers(List<DurableTaskGrpcWorker> workers, List<ManagedChannel> channels, AnswerTimes answers) {
        this.workers = workers;
        this.channels = channels;
        this.answers = answers;
    }

    static SdkBenchWorkers start(int grpcPort, int count) {
        List<DurableTaskGrpcWorker> workers = new ArrayList<>(count);
        List<ManagedChannel> channels = new ArrayList<>(count);
        AnswerTimes answers = new AnswerTimes();
        for (int i = 0; i < count; i++) {
            // A channel of our own per worker (as .port() would make) so that the answers' round trips are timed.
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext()
                    .intercept(answers).build();
            channels.add(channel);
            DurableTaskGrpcWorker w = new DurableTaskGrpcWorkerBuilder().grpcChannel(channel)
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
        return new SdkBenchWorkers(workers, channels, answers);
    }

    /**
     * What the workers waited for: the Java SDK's worker runs one work item at a time and waits for each answer
     * ({@code CompleteOrchestratorTask}, {@code CompleteActivityTask}), which the gateway acknowledges once Kafka has
     * the record, so these round trips bound each worker's rate.
     */
    String answerSummary() {
        Latencies l = answers.latencies();
        double wallMs = (System.nanoTime() - startedNanos) / 1e6 * workers.size();
        return String.format("SDK workers' answers (whole run, warm-up included): %d, round trip p50 %.1f ms, p90 %.1f ms,"
                        + " p99 %.1f ms, mean %.1f ms; %.0f%% of the workers' time spent waiting for them",
                l.count(), l.percentile(50), l.percentile(90), l.percentile(99), l.mean(),
                100 * l.mean() * l.count() / wallMs);
    }

    /** Times the Complete* calls of the workers' channels. */
    private static final class AnswerTimes implements ClientInterceptor {
        private final List<Double> ms = Collections.synchronizedList(new ArrayList<>());

        Latencies latencies() {
            synchronized (ms) {
                return Latencies.of(List.copyOf(ms));
            }
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientCall<Q, R> call = next.newCall(method, options);
            if (!method.getBareMethodName().startsWith("Complete")) {
                return call;
            }
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    long t0 = System.nanoTime();
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            ms.add((System.nanoTime() - t0) / 1e6);
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }
    }

    @Override
    public void close() {
        workers.forEach(DurableTaskGrpcWorker::close);
        for (ManagedChannel c : channels) {
            c.shutdownNow();
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
