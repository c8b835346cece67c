package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.durablekafka.common.messages.RaiseEvent;
import io.durablekafka.common.messages.StartOrchestration;
import io.durablekafka.common.status.RuntimeStatus;
import java.time.Duration;
import java.util.List;

/**
 * Modes waiting and list: N {@code AwaitEvent} instances started as Kafka records, followed on the status topic
 * ({@link StatusTracker}) until all are Running. Then, for waiting: the heap after a full GC, list latency, and
 * event {@code Continue} raised for every instance as Kafka records, until all are Completed. For list: list
 * latency only.
 */
final class WaitingMode {

    /** How long the gateway's view may take to catch up with the status topic before the run gives up. */
    private static final Duration VIEW_DEADLINE = Duration.ofMinutes(10);

    private WaitingMode() {
    }

    static void run(BenchmarkOptions options, Target target) throws Exception {
        boolean full = options.mode() == Mode.WAITING;
        int n = options.instances();
        int listRequests = options.listRequests();
        String prefix = "wait-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        GatewayClient gateway = target.gateway();
        HeapGauge.Reading before = full && target.inProcess() ? HeapGauge.afterFullGc() : null;

        System.out.printf("starting %,d AwaitEvent instances as Kafka records on the orchestrations topic (task hub %s)%n",
                n, target.settings().taskHub());
        try (StatusTracker tracker = new StatusTracker(target.settings(), prefix, n)) {
            long begin = System.nanoTime();
            try (RecordSender sender = new RecordSender(target.settings())) {
                for (int i = 0; i < n; i++) {
                    String id = prefix + i;
                    sender.send(StartOrchestration.of(id, "AwaitEvent", null));
                }
                sender.flush();
                printSent("starts", n, begin);
                Progress.await("running", n, tracker::runningOrLater);
            }
            double ingest = (System.nanoTime() - begin) / 1e9;
            if (tracker.failed() > 0) {
                throw new IllegalStateException(tracker.failed() + " instances ended (Failed, Terminated or Canceled) while waiting");
            }
            System.out.printf("all %,d Running after %.2f s: %,.0f instances/s (first start sent to the last Running"
                    + " status record)%n", n, ingest, n / ingest);
            awaitGatewayView(gateway, tracker.lastRunningPerPartition());

            if (full) {
                printHeap(target, before, n);
            }
            if (listRequests > 0) {
                ListLatency.measure(gateway, listRequests);
            }
            if (!full) {
                return;
            }

            System.out.printf("raising event Continue for all %,d instances as Kafka records%n", n);
            long raised = System.nanoTime();
            try (RecordSender sender = new RecordSender(target.settings())) {
                for (int i = 0; i < n; i++) {
                    sender.send(new RaiseEvent(prefix + i, "Continue", IntNode.valueOf(i)));
                }
                sender.flush();
                printSent("events", n, raised);
                Progress.await("completed", n, () -> tracker.count(RuntimeStatus.Completed) + tracker.failed());
            }
            double completing = (System.nanoTime() - raised) / 1e9;
            if (tracker.failed() > 0) {
                throw new IllegalStateException(tracker.failed() + " instances Failed, Terminated or Canceled instead of completing");
            }
            System.out.printf("all %,d Completed after %.2f s: %,.0f events/s (first event sent to the last Completed"
                    + " status record)%n", n, completing, n / completing);
            checkOutput(gateway, prefix, 0);
            checkOutput(gateway, prefix, n - 1);
        }
    }

    private static void printSent(String what, int n, long begin) {
        double s = (System.nanoTime() - begin) / 1e9;
        System.out.printf("  sent %,d %s in %.2f s (%,.0f/s, acknowledged by Kafka)%n", n, what, s, n / s);
    }

    /**
     * Waits until the gateway shows, for every status partition, the instance that turned Running last there:
     * its view has then applied everything before it, so list figures are not taken while it catches up.
     */
    private static void awaitGatewayView(GatewayClient gateway, List<String> lastPerPartition) throws Exception {
        long begin = System.nanoTime();
        long deadline = begin + VIEW_DEADLINE.toNanos();
        for (String id : lastPerPartition) {
            while (true) {
                JsonNode status = gateway.status(id);
                String shown = status == null ? "not found" : status.path("runtimeStatus").asText();
                if (!shown.equals("not found") && !shown.equals("Pending")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway still shows " + id + " as " + shown + " after "
                            + VIEW_DEADLINE.toMinutes() + " minutes");
                }
                Thread.sleep(20);
            }
        }
        System.out.printf("  the gateway's view showed them all Running %.0f ms later%n", (System.nanoTime() - begin) / 1e6);
    }

    private static void printHeap(Target target, HeapGauge.Reading before, int n) throws InterruptedException {
        if (!target.inProcess()) {
            System.out.println("heap: not measured (the cluster runs in another process)");
            return;
        }
        HeapGauge.Reading after = HeapGauge.afterFullGc();
        System.out.printf("heap after full GC, whole JVM (%s): %s used, max %s (before the instances: %s used;"
                        + " about %,.0f bytes per waiting instance); resident set %s%n",
                target.inProcessParts(), after.usedMiB(), after.maxMiB(), before.usedMiB(),
                (after.usedBytes() - before.usedBytes()) / (double) n, after.residentMiB());
    }

    private static void checkOutput(GatewayClient gateway, String prefix, int index) throws Exception {
        JsonNode status = gateway.status(prefix + index);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((status == null || !"Completed".equals(status.path("runtimeStatus").asText())) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            status = gateway.status(prefix + index);
        }
        if (status == null || status.path("output").asInt(-1) != index) {
            throw new IllegalStateException(prefix + index + " should have completed with output " + index + ": " + status);
        }
    }
}
