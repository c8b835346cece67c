package io.durablekafka.deploy.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.deploy.Main;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark's command line, checked in full before anything starts: the mode, options that belong to it,
 * numbers that are numbers. Mode-dependent defaults live here so the usage text and the runs agree.
 */
final class BenchmarkOptions {

    private static final Set<String> COMMON = Set.of("mode", "url", "bootstrap-servers", "task-hub");

    private final Map<String, String> raw;
    private final Mode mode;

    private BenchmarkOptions(Map<String, String> raw, Mode mode) {
        this.raw = raw;
        this.mode = mode;
    }

    /** Parses {@code --key value} options; throws IllegalArgumentException with a sentence for the user. */
    static BenchmarkOptions parse(List<String> args) {
        Map<String, String> raw = Main.parseOptions(args);
        Mode mode = raw.containsKey("mode") ? Mode.byName(raw.get("mode"))
                : raw.containsKey("entity-signals") ? Mode.ENTITY_SIGNALS : Mode.THROUGHPUT;
        for (String key : raw.keySet()) {
            if (key.startsWith("dk.") || COMMON.contains(key) || mode.options.contains(key)) {
                continue;
            }
            String owners = Arrays.stream(Mode.values()).filter(m -> m.options.contains(key))
                    .map(m -> m.cliName).collect(Collectors.joining(", "));
            throw new IllegalArgumentException(owners.isEmpty() ? "unknown option --" + key
                    : "option --" + key + " does not apply to --mode " + mode.cliName + " (it belongs to " + owners + ")");
        }
        BenchmarkOptions options = new BenchmarkOptions(raw, mode);
        options.check();
        return options;
    }

    Mode mode() {
        return mode;
    }

    // ------------------------------------------------------------------------------------ throughput, latency

    int count() {
        return positive("count", mode == Mode.LATENCY ? 300 : 2000);
    }

    int concurrency() {
        return positive("concurrency", mode == Mode.LATENCY ? 1 : mode == Mode.SCALE ? 400 : 200);
    }

    /** Orchestrations before the measured ones (throughput, latency); steps (sequence); runs (fan-out). */
    int warmup() {
        return switch (mode) {
            case LATENCY -> atLeastZero("warmup", 200);
            case SEQUENCE -> atLeastZero("warmup", Math.min(100, length()));
            case FAN_OUT -> atLeastZero("warmup", 1);
            default -> atLeastZero("warmup", Math.min(200, count()));
        };
    }

    String orchestration() {
        if (sdkWorkers() > 0) {
            return raw.getOrDefault("orchestration", SdkBenchWorkers.HELLO_SEQUENCE_5);
        }
        return raw.getOrDefault("orchestration", switch (mode) {
            case LATENCY -> "HelloCities";
            default -> "HelloSequence5";
        });
    }

    String input() {
        return raw.getOrDefault("input", "null");
    }

    boolean viaKafka() {
        return "kafka".equals(raw.getOrDefault("via", "http"));
    }

    // ------------------------------------------------------------------------------------ the other modes

    int length() {
        return positive("length", 1000);
    }

    int width() {
        return positive("width", 1000);
    }

    int repeat() {
        return positive("repeat", 5);
    }

    int instances() {
        return positive("instances", mode == Mode.VIEWS ? 1_000_000 : 100_000);
    }

    // ------------------------------------------------------------------------------------ scale, views

    /** Node process counts to run the same load against, one after the other ({@code --nodes 1,2,3}). */
    List<Integer> nodeCounts() {
        String text = raw.getOrDefault("nodes", "1,2,3");
        List<Integer> counts = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                counts.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nodes takes node counts of at least 1 separated by commas,"
                        + " not '" + text + "'");
            }
        }
        return List.copyOf(counts);
    }

    int workers() {
        return positive("workers", 1);
    }

    /** The measured window of each node count (scale). */
    int seconds() {
        return positive("seconds", 45);
    }

    /** Load before the window, not measured: JIT, rebalances (scale). */
    int warmupSeconds() {
        // Every role is a fresh JVM: on a small machine their JIT compilers take minutes to settle (docs/scaling.md).
        return atLeastZero("warmup-seconds", 180);
    }

    /** The first of the ports the processes of scale and views listen on (the broker's, then the roles'). */
    int port() {
        int port = positive("port", 7181);
        if (port > 65_000) {
            throw new IllegalArgumentException("--port must leave room for the ports after it");
        }
        return port;
    }

    /** The {@code --dk.*} options, passed on to every role process (scale, views). */
    Map<String, String> dkOptions() {
        Map<String, String> dk = new java.util.HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith("dk.")) {
                dk.put(k, v);
            }
        });
        return dk;
    }

    /** An external Kafka given with --bootstrap-servers (or dk.bootstrap.servers), else null. */
    String bootstrapServers() {
        return settings().find(Settings.BOOTSTRAP_SERVERS).orElse(null);
    }

    int listRequests() {
        return atLeastZero("list-requests", 300);
    }

    int entitySignals() {
        return positive("entity-signals", 100_000);
    }

    int entityCounters() {
        return positive("entity-counters", 4);
    }

    int entitySenders() {
        return positive("entity-senders", 4);
    }

    // ------------------------------------------------------------------------------------ where it runs

    String url() {
        return raw.get("url");
    }

    Settings settings() {
        Settings settings = Main.settingsWith(raw);
        return sdkWorkers() > 0 ? settings.with(io.durablekafka.node.NodeOptions.SDK_WORKERS, "true") : settings;
    }

    /** Official-SDK Java workers the embedded cluster's orchestrations run on (0: in-process code, as usual). */
    int sdkWorkers() {
        return raw.containsKey("sdk-workers") ? atLeastZero("sdk-workers", 0) : 0;
    }

    /** Whether the run talks to a gateway; otherwise it only needs Kafka. */
    boolean needsHttp() {
        return switch (mode) {
            case THROUGHPUT, LATENCY -> !viaKafka();
            case SCALE, VIEWS -> false;
            default -> true;
        };
    }

    /** Whether the run writes or reads the hub's topics itself. */
    boolean needsKafka() {
        return switch (mode) {
            case THROUGHPUT, LATENCY -> viaKafka();
            case SEQUENCE, FAN_OUT -> false;
            case WAITING, LIST, ENTITY_SIGNALS, SCALE, VIEWS -> true;
        };
    }

    /** Whether the run starts role processes of its own (and so takes neither --url nor an embedded cluster). */
    boolean startsProcesses() {
        return mode == Mode.SCALE || mode == Mode.VIEWS;
    }

    // ------------------------------------------------------------------------------------ checks

    /** Reads every option of the mode once, so a bad value fails before a cluster starts. */
    private void check() {
        switch (mode) {
            case THROUGHPUT, LATENCY -> {
                count();
                concurrency();
                warmup();
                if (sdkWorkers() > 0 && raw.containsKey("url")) {
                    throw new IllegalArgumentException("--sdk-workers starts SDK workers for the embedded cluster; with"
                            + " --url, connect your workers to that cluster's gRPC port instead");
                }
                String via = raw.getOrDefault("via", "http");
                if (!via.equals("http") && !via.equals("kafka")) {
                    throw new IllegalArgumentException("--via takes http or kafka, not '" + via + "'");
                }
                checkInput();
            }
            case SEQUENCE -> {
                if (length() < 2) {
                    throw new IllegalArgumentException("--length must be at least 2");
                }
                warmup();
            }
            case FAN_OUT -> {
                width();
                repeat();
                warmup();
            }
            case WAITING, LIST -> {
                instances();
                listRequests();
            }
            case ENTITY_SIGNALS -> {
                entitySignals();
                entityCounters();
                entitySenders();
            }
            case SCALE, VIEWS -> {
                if (mode == Mode.SCALE) {
                    nodeCounts();
                    workers();
                    seconds();
                    warmupSeconds();
                    concurrency();
                } else {
                    instances();
                }
                port();
                checkInput();
                if (raw.containsKey("url")) {
                    throw new IllegalArgumentException("--mode " + mode.cliName + " starts its own processes; it takes"
                            + " no --url (--bootstrap-servers: an external Kafka instead of a broker process)");
                }
            }
        }
        if (url() != null) {
            try {
                URI uri = URI.create(url());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--url is not an http URL: " + url());
            }
        }
    }

    private void checkInput() {
        try {
            Json.MAPPER.readTree(input());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--input is not JSON: " + input());
        }
    }

    private int positive(String key, int defaultValue) {
        int value = integer(key, defaultValue);
        if (value < 1) {
            throw new IllegalArgumentException("--" + key + " must be at least 1");
        }
        return value;
    }

    private int atLeastZero(String key, int defaultValue) {
        int value = integer(key, defaultValue);
        if (value < 0) {
            throw new IllegalArgumentException("--" + key + " must not be negative");
        }
        return value;
    }

    private int integer(String key, int defaultValue) {
        String text = raw.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " takes a whole number, not '" + text + "'");
        }
    }
}
