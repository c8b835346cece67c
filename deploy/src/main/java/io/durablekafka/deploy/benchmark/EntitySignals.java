package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.serde.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mode entity-signals: N {@code add} signals to a few {@code Counter} entities, sent straight to the hub's
 * orchestrations topic from several threads; the figure is N over the time from the first send until every
 * counter shows its total. The counters are read over HTTP (GET entities/Counter/{key}), polled every few
 * milliseconds: entity state is not on the status topic (it is the node's own), so this works whatever the node
 * publishes there.
 */
final class EntitySignals {

    /** Between two rounds of reads: short next to the run, long enough not to load the gateway. */
    private static final long POLL_PAUSE_MS = 10;

    private EntitySignals() {
    }

    static void run(BenchmarkOptions options, Target target) throws Exception {
        int signals = options.entitySignals();
        int counters = options.entityCounters();
        int senders = options.entitySenders();
        GatewayClient gateway = target.gateway();
        try (RecordSender sender = new RecordSender(target.settings())) {
            int warmup = Math.min(1000, Math.max(counters, signals / 10));
            System.out.printf("warm-up: %d entity signals%n", warmup);
            measure(sender, gateway, "warmup", warmup, counters, senders);
            System.out.printf("sending %d add signals to %d counters from %d threads%n", signals, counters, senders);
            Result r = measure(sender, gateway, "run", signals, counters, senders);
            System.out.printf("sent: %d signals in %.2f s (%.0f/s)%n", signals, r.sendSeconds(), signals / r.sendSeconds());
            System.out.printf("applied: %d signals in %.2f s from the first send (counters read over HTTP every %d ms)%n",
                    signals, r.appliedSeconds(), POLL_PAUSE_MS);
            System.out.printf("throughput: %.0f entity signals/s%n", signals / r.appliedSeconds());
        }
    }

    private record Result(double sendSeconds, double appliedSeconds) {
    }

    private static Result measure(RecordSender sender, GatewayClient gateway, String run, int signals, int counters,
                                  int senders) throws Exception {
        String prefix = "bench-" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> keys = new ArrayList<>();
        for (int c = 0; c < counters; c++) {
            keys.add(prefix + "-" + c);
        }
        long[] expected = new long[counters];
        for (int i = 0; i < signals; i++) {
            expected[i % counters]++;
        }
        long begin = System.nanoTime();
        CompletableFuture<Long> sendsDone = new CompletableFuture<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            int first = t;
            threads.add(Thread.ofPlatform().name("entity-sender-" + t).start(() -> {
                for (int i = first; i < signals; i += senders) {
                    String id = "@counter@" + keys.get(i % counters);
                    sender.send(SignalEntity.of(id, "add", Json.toTree(1)));
                }
            }));
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (Thread t : threads) {
                    t.join();
                }
                sender.flush();
                sendsDone.complete(System.nanoTime());
            } catch (Exception e) {
                sendsDone.completeExceptionally(e);
            }
        });

        long[] applied = new long[counters];
        AtomicLong appliedSoFar = new AtomicLong();
        long movedAt = System.nanoTime();
        try (Progress ignored = Progress.start("signals applied", signals, appliedSoFar::get, Progress.INTERVAL)) {
            while (true) {
                long total = 0;
                for (int c = 0; c < counters; c++) {
                    if (applied[c] < expected[c]) {
                        Optional<JsonNode> state = gateway.entityState("Counter", keys.get(c));
                        long value = state.map(JsonNode::asLong).orElse(0L);
                        if (value > expected[c]) {
                            throw new IllegalStateException("counter " + keys.get(c) + " is " + value + ", expected " + expected[c]);
                        }
                        if (value != applied[c]) {
                            applied[c] = value;
                            movedAt = System.nanoTime();
                        }
                    }
                    total += applied[c];
                }
                appliedSoFar.set(total);
                if (total == signals) {
                    break;
                }
                if (sendsDone.isCompletedExceptionally()) {
                    sendsDone.join(); // throws what went wrong
                }
                if (System.nanoTime() - movedAt > Progress.STALL_LIMIT.toNanos()) {
                    throw new IllegalStateException(String.format("no signal applied for %d s: %,d of %,d",
                            Progress.STALL_LIMIT.toSeconds(), total, signals));
                }
                Thread.sleep(POLL_PAUSE_MS);
            }
        }
        long end = System.nanoTime();
        return new Result((sendsDone.get() - begin) / 1e9, (end - begin) / 1e9);
    }
}
