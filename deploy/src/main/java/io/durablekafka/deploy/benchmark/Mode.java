package io.durablekafka.deploy.benchmark;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The workloads the harness measures, one per {@code --mode}, with the options each one takes. */
enum Mode {
    THROUGHPUT("throughput", "count", "concurrency", "warmup", "orchestration", "input", "via", "sdk-workers"),
    LATENCY("latency", "count", "concurrency", "warmup", "orchestration", "input", "via", "sdk-workers"),
    SEQUENCE("sequence", "length", "warmup"),
    FAN_OUT("fan-out", "width", "repeat", "warmup"),
    WAITING("waiting", "instances", "list-requests"),
    LIST("list", "instances", "list-requests"),
    ENTITY_SIGNALS("entity-signals", "entity-signals", "entity-counters", "entity-senders"),
    SCALE("scale", "nodes", "workers", "seconds", "warmup-seconds", "concurrency", "orchestration", "input", "port"),
    VIEWS("views", "instances", "port");

    final String cliName;
    final Set<String> options;

    Mode(String cliName, String... options) {
        this.cliName = cliName;
        this.options = Set.of(options);
    }

    static Mode byName(String name) {
        for (Mode m : values()) {
            if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "' (modes: " + names() + ")");
    }

    static String names() {
        return Arrays.stream(values()).map(m -> m.cliName).collect(Collectors.joining(", "));
    }
}
