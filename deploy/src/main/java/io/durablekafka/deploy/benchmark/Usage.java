package io.durablekafka.deploy.benchmark;

/** The text of {@code durable-kafka benchmark --help}. */
final class Usage {

    static final String TEXT = """
            usage: durable-kafka benchmark [--mode MODE] [options]

            Measures one workload and prints its figures. Without --url it starts a fresh embedded cluster (Kafka
            broker, node, worker and gateway in this JVM, a new task hub); with --url it runs against that gateway.
            Modes scale and views start processes of their own instead (ProcessCluster).

            modes and their options (defaults shown):
              throughput       (the default) HelloSequence5, many in flight: orchestrations/s, start->completed latency
                  --count 2000 --concurrency 200 --warmup min(200,count) --orchestration HelloSequence5 --input JSON
                  --via http|kafka   start over HTTP (with timeout, the answer comes at completion), or as records on
                                     the orchestrations topic with completion read from the status topic (default http)
                  --sdk-workers N    run the orchestrations on N official Durable Task Java SDK workers connected to the
                                     embedded cluster's gRPC port (dk.node.sdk.workers); the default orchestration is
                                     then SdkHelloSequence5, HelloSequence5 written with that SDK (docs/sdk-workers.md)
              latency          the same one at a time: --orchestration HelloCities --count 300 --concurrency 1 --warmup 200
              sequence         one Sequence orchestration calling activity Square N times in a row: time per step over
                               the first and the last 100 steps (from the history's timestamps) and their ratio
                  --length 1000      activity calls
                  --warmup 100       steps of a Sequence run first, not measured (0: none)
              fan-out          FanOutFanIn with N parallel activities: activities/s = N / (start -> completed)
                  --width 1000       activities per orchestration
                  --repeat 5         measured runs, one after the other
                  --warmup 1         runs first, not measured
              waiting          N AwaitEvent instances started as Kafka records: ingest rate until all are Running, heap
                               after a full GC (embedded cluster), list latency, then event Continue for every instance
                               as Kafka records: rate until all are Completed
                  --instances 100000
                  --list-requests 300   requests per list query (0: no list latency)
              list             the waiting mode's start-up, then list latency only: GET instances?top=100, and with a
                               runtimeStatus filter that matches nothing (following continuation tokens), p50/p99
                  --instances 100000 --list-requests 300
              entity-signals   N add signals to Counter entities as Kafka records, the counters read over HTTP until
                               each shows its total: signals/s (--entity-signals N alone selects this mode)
                  --entity-signals 100000 --entity-counters 4 --entity-senders 4
              scale            every role a process of its own (the broker too, unless --bootstrap-servers): the same
                               steady load (as --via kafka) against each node count in turn, a fresh task hub each;
                               a line per node count: orchestrations/s and latency in the window, CPU seconds of each
                               process, load average, bytes on the broker per orchestration
                  --nodes 1,2,3 --workers 1 --seconds 45 --warmup-seconds 180 --concurrency 400
                  --orchestration HelloSequence5 --input JSON
                  --port 7181        the broker's port; the roles' ports follow it
              views            the node-state changelog of N completed HelloSequence5 instances (written as the nodes
                               write it, no node runs), then a gateway process started on it and restarted: time until
                               /readyz, heap, resident set and its views on disk
                  --instances 1000000 --port 7181

            common options:
              --url URL                   a running gateway instead of the embedded cluster
              --bootstrap-servers H:P     its Kafka: needed with --url by the modes that write records (waiting, list,
                                          entity-signals, --via kafka); --via kafka alone needs no --url
              --task-hub NAME             its task hub (default DurableFunctionsHub)
              --dk.<setting> VALUE        a setting of the embedded cluster, e.g. --dk.partitions 1
              -h, --help                  this text

            examples:
              durable-kafka benchmark --count 3000 --concurrency 200 --warmup 500
              durable-kafka benchmark --mode latency
              durable-kafka benchmark --mode sequence --length 1000
              durable-kafka benchmark --mode fan-out --width 1000 --repeat 5
              durable-kafka benchmark --mode waiting --instances 1000000
              durable-kafka benchmark --mode list --instances 1000000
              durable-kafka benchmark --mode entity-signals --entity-signals 100000
              durable-kafka benchmark --mode scale --nodes 1,2,3 --dk.partitions 6
              durable-kafka benchmark --mode views --instances 1000000""";

    private Usage() {
    }
}
