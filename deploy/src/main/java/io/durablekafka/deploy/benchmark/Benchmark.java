package io.durablekafka.deploy.benchmark;

import java.util.List;

/**
 * {@code durable-kafka benchmark}: measures one workload ({@link Mode}) against a fresh embedded cluster in this
 * JVM or a running one, and prints its figures. Options: {@link Usage}.
 */
public final class Benchmark {

    private Benchmark() {
    }

    /** Runs the benchmark the arguments describe; returns the process exit code (2: a usage error). */
    public static int run(List<String> args) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(Usage.TEXT);
            return 0;
        }
        BenchmarkOptions options;
        Target target;
        try {
            options = BenchmarkOptions.parse(args);
            target = options.startsProcesses() ? null : Target.open(options);
        } catch (IllegalArgumentException e) {
            System.err.println("benchmark: " + e.getMessage());
            System.err.println();
            System.err.println(Usage.TEXT);
            return 2;
        }
        if (target == null) {
            ScaleMode.run(options);
            return 0;
        }
        try (target) {
            switch (options.mode()) {
                case THROUGHPUT, LATENCY -> ThroughputMode.run(options, target);
                case SEQUENCE -> SequenceMode.run(options, target);
                case FAN_OUT -> FanOutMode.run(options, target);
                case WAITING, LIST -> WaitingMode.run(options, target);
                case ENTITY_SIGNALS -> EntitySignals.run(options, target);
                case SCALE, VIEWS -> throw new IllegalStateException("started above");
            }
        }
        return 0;
    }
}
