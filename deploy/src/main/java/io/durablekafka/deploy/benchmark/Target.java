package io.durablekafka.deploy.benchmark;

import io.durablekafka.common.config.Settings;
import io.durablekafka.deploy.LocalCluster;
import io.durablekafka.deploy.Main;
import io.durablekafka.kafka.KafkaCluster;
import io.durablekafka.sdk.FunctionRegistry;

/**
 * What a run measures: a fresh embedded cluster in this JVM (node, worker, gateway and, without Docker or an
 * external Kafka, the broker too), or a running one given by {@code --url} and {@code --bootstrap-servers}.
 */
final class Target implements AutoCloseable {

    private final KafkaCluster kafka;
    private final LocalCluster cluster;
    /** Official-SDK workers of the run (null: none). */
    private SdkBenchWorkers sdkWorkers;
    private final String url;
    private final Settings settings;

    private Target(KafkaCluster kafka, LocalCluster cluster, String url, Settings settings) {
        this.kafka = kafka;
        this.cluster = cluster;
        this.url = url;
        this.settings = settings;
    }

    static Target open(BenchmarkOptions options) {
        Settings settings = options.settings();
        String url = options.url();
        boolean kafkaGiven = settings.find(Settings.BOOTSTRAP_SERVERS).isPresent();
        if (url != null || (!options.needsHttp() && kafkaGiven)) {
            if (options.needsKafka() && !kafkaGiven) {
                throw new IllegalArgumentException("--mode " + options.mode().cliName + " against a running gateway (--url)"
                        + " also needs its Kafka: --bootstrap-servers (and --task-hub unless it is "
                        + Settings.DEFAULT_TASK_HUB + ")");
            }
            return new Target(null, null, url, settings);
        }
        Main.quietKafkaInThisProcess();
        // The node of this throw-away cluster keeps its state in a temporary directory on purpose; Kafka Streams
        // warns about state directories under java.io.tmpdir.
        Main.setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StateDirectory",
                "error");
        KafkaCluster kafka = KafkaCluster.resolve(null);
        try {
            settings = settings.with(Settings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(Settings.TASK_HUB, "bench" + System.currentTimeMillis());
            LocalCluster cluster = LocalCluster.start(settings, FunctionRegistry.discover(), 0, null);
            System.out.println("started embedded cluster at " + cluster.baseUrl() + " (Kafka " + kafka.mode() + ")");
            Target target = new Target(kafka, cluster, cluster.baseUrl(), settings);
            if (options.sdkWorkers() > 0) {
                target.sdkWorkers = SdkBenchWorkers.start(cluster.grpcPort(), options.sdkWorkers());
                System.out.println("started " + options.sdkWorkers() + " Durable Task SDK worker(s) on gRPC port "
                        + cluster.grpcPort());
            }
            return target;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /** The gateway's base URL; null when the run needs only Kafka and none was given. */
    String url() {
        return url;
    }

    GatewayClient gateway() {
        if (url == null) {
            throw new IllegalStateException("no gateway URL");
        }
        return new GatewayClient(url);
    }

    /** Kafka and task hub of the cluster. */
    Settings settings() {
        return settings;
    }

    /** Whether the cluster runs in this JVM, so that this JVM's heap is the cluster's. */
    boolean inProcess() {
        return cluster != null;
    }

    /** What shares this JVM's heap, for the heap figure. */
    String inProcessParts() {
        return kafka != null && kafka.mode() == KafkaCluster.Mode.EMBEDDED
                ? "Kafka broker, node, worker, gateway and harness" : "node, worker, gateway and harness (Kafka elsewhere)";
    }

    @Override
    public void close() {
        if (sdkWorkers != null) {
            System.out.println(sdkWorkers.answerSummary());
            sdkWorkers.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
