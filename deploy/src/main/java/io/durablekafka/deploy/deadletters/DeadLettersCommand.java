package io.durablekafka.deploy.deadletters;

import io.durablekafka.common.config.Settings;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.kafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code durable-kafka deadletters list|replay}: shows the records of a hub's dead-letter topic and sends chosen
 * ones back to the topic they came from ({@code dk.source.topic}), e.g. once the reason they were refused for has
 * gone (an event raised before its instance was started, a start while the instance still ran, an entity deployed
 * since). A replayed record that is still bad is dead-lettered again, with a {@code dk.replayed.from} header.
 */
public final class DeadLettersCommand {

    static final String USAGE = """
            usage: durable-kafka deadletters list [--limit N] [--from-offset O | P:O,...] [--json] [options]
                   durable-kafka deadletters replay (--offset P:O ... | --all [--from-offset ...]) [--dry-run] [options]
            list     one line per dead letter, oldest first: partition:offset, time, key, reason (the dk.error
                     header), source topic:partition:offset, value preview
              --limit N              at most N (default 50): the latest N, or the first N from --from-offset
              --from-offset O        from offset O of every partition; P:O[,P:O...]: those partitions only
              --json                 one JSON object per line, with the whole value and every header
            replay   sends dead letters back to their source topic (dk.source.topic): the original key, value and
                     headers, without dk.error and dk.source.*, with dk.replayed.from=<dead-letter topic>:P:O
              --offset P:O           the dead letter at partition P, offset O (repeat it, or P:O,P:O)
              --all                  every dead letter (from --from-offset, if given), oldest first; replaying
                                     twice sends twice
              --dry-run              says what would be sent, sends nothing
            options
              --hub NAME             the task hub (default DurableFunctionsHub; --task-hub works too)
              --bootstrap-servers H:P  Kafka (default: dk.bootstrap.servers / DK_BOOTSTRAP_SERVERS, else the broker
                                     bin/local-cluster last ran on --data-dir, default .data)
              --dk.kafka.<property> V  a Kafka client property (security settings; DK_KAFKA_* works too)
            exit code: 0 done, 1 some dead letter could not be replayed, 2 wrong usage""";

    private static final int DEFAULT_LIMIT = 50;
    private static final int PREVIEW_CHARS = 120;
    private static final Set<String> FLAGS = Set.of("json", "all", "dry-run", "help");
    private static final Set<String> LIST_OPTIONS = Set.of("limit", "from-offset", "json");
    private static final Set<String> REPLAY_OPTIONS = Set.of("offset", "all", "from-offset", "dry-run");
    private static final Set<String> COMMON_OPTIONS = Set.of("hub", "task-hub", "bootstrap-servers", "data-dir", "help");

    private DeadLettersCommand() {
    }

    /** Runs {@code deadletters <args>}; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String action = args.getFirst();
        Map<String, List<String>> options;
        Settings settings;
        Properties client;
        try {
            if (!action.equals("list") && !action.equals("replay")) {
                throw new IllegalArgumentException("unknown action '" + action + "' (list or replay)");
            }
            options = parse(args.subList(1, args.size()), action.equals("list") ? LIST_OPTIONS : REPLAY_OPTIONS);
            if (action.equals("replay") && options.containsKey("offset") == options.containsKey("all")) {
                throw new IllegalArgumentException("replay takes --offset P:O ... or --all");
            }
            if (options.containsKey("offset") && options.containsKey("from-offset")) {
                throw new IllegalArgumentException("--from-offset goes with --all, not with --offset");
            }
            positive(last(options, "limit"), DEFAULT_LIMIT); // a bad number is a usage error, before connecting
            settings = settings(options);
            client = clientProperties(settings, options);
        } catch (IllegalArgumentException e) {
            err.println("deadletters: " + e.getMessage());
            err.println();
            err.println(USAGE);
            return 2;
        }
        String topic = new TopicNames(settings.taskHub()).deadLetter();
        try (DeadLetterTopic dlt = new DeadLetterTopic(topic, client)) {
            return action.equals("list") ? list(dlt, options, out)
                    : replay(dlt, new TopicNames(settings.taskHub()), options, out, err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("deadletters: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        }
    }

    private static int list(DeadLetterTopic dlt, Map<String, List<String>> options, PrintStream out) {
        int limit = positive(last(options, "limit"), DEFAULT_LIMIT);
        Map<Integer, Long> from = options.containsKey("from-offset")
                ? DeadLetterTopic.offsetsFrom(last(options, "from-offset"), dlt.partitionNumbers()) : null;
        boolean json = options.containsKey("json");
        List<DeadLetter> letters = dlt.list(from, limit);
        for (DeadLetter d : letters) {
            out.println(json ? Json.toString(d.json()) : d.line(PREVIEW_CHARS));
        }
        if (!json && letters.isEmpty()) {
            out.println("no dead letters in " + dlt.topic + (from != null ? " from " + last(options, "from-offset") : ""));
        }
        return 0;
    }

    private static int replay(DeadLetterTopic dlt, TopicNames hub, Map<String, List<String>> options, PrintStream out,
                              PrintStream err) throws InterruptedException {
        boolean dryRun = options.containsKey("dry-run");
        List<DeadLetter> chosen = new ArrayList<>();
        int failed = 0;
        if (options.containsKey("all")) {
            Map<Integer, Long> from = DeadLetterTopic.offsetsFrom(
                    options.containsKey("from-offset") ? last(options, "from-offset") : "0", dlt.partitionNumbers());
            chosen.addAll(dlt.list(from, Integer.MAX_VALUE));
        } else {
            for (String spec : options.get("offset")) {
                for (String position : spec.split(",")) {
                    int[] p = new int[1];
                    long offset = position(position.trim(), p);
                    Optional<DeadLetter> d = dlt.at(p[0], offset);
                    if (d.isEmpty()) {
                        err.println("no dead letter at " + position.trim() + " in " + dlt.topic);
                        failed++;
                    } else {
                        chosen.add(d.get());
                    }
                }
            }
        }
        for (DeadLetter d : chosen) {
            String target = d.sourceTopic();
            String refused = target == null ? "it does not say where it came from (no dk.source.topic header)"
                    : !isReplayTarget(hub, target) ? "its source topic " + target + " is not an input topic of hub "
                    + hub.taskHub() : null;
            if (refused != null) {
                err.println("not replaying " + d.position() + ": " + refused);
                failed++;
                continue;
            }
            ProducerRecord<byte[], byte[]> record = d.replay();
            String what = d.position() + " -> " + target + " (key " + DeadLetter.oneLine(
                    record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8), 200)
                    + ", was: " + DeadLetter.oneLine(d.reason(), 200) + ")";
            if (dryRun) {
                out.println("would replay " + what);
                continue;
            }
            RecordMetadata sent = dlt.send(record);
            out.println("replayed " + what + " as " + sent.topic() + ":" + sent.partition() + ":" + sent.offset());
        }
        if (chosen.isEmpty() && failed == 0) {
            out.println("no dead letters to replay in " + dlt.topic);
        }
        return failed == 0 ? 0 : 1;
    }

    /** The topics a dead letter may come from, and so be sent back to: the hub's inputs. */
    private static boolean isReplayTarget(TopicNames hub, String topic) {
        return topic.equals(hub.orchestrations()) || topic.equals(hub.webhooks())
                || topic.startsWith("dk." + hub.taskHub() + ".tasks.");
    }

    private static long position(String s, int[] partition) {
        int colon = s.indexOf(':');
        try {
            if (colon > 0) {
                partition[0] = Integer.parseInt(s.substring(0, colon));
                return Long.parseLong(s.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--offset takes PARTITION:OFFSET (as list shows it), not '" + s + "'");
    }

    /** {@code --key value}, {@code --key=value} and the flags; options may repeat. */
    static Map<String, List<String>> parse(List<String> args, Set<String> actionOptions) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (FLAGS.contains(key)) {
                value = "true";
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            if (!key.startsWith("dk.") && !COMMON_OPTIONS.contains(key) && !actionOptions.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return options;
    }

    private static Settings settings(Map<String, List<String>> options) {
        Map<String, String> overrides = new HashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith("dk.")) {
                overrides.put(k, v.getLast());
            }
        });
        if (options.containsKey("bootstrap-servers")) {
            overrides.put(Settings.BOOTSTRAP_SERVERS, last(options, "bootstrap-servers"));
        }
        String hub = options.containsKey("hub") ? last(options, "hub") : last(options, "task-hub");
        if (hub != null) {
            overrides.put(Settings.TASK_HUB, hub);
        }
        Settings settings = Settings.of(overrides);
        new TopicNames(settings.taskHub()); // says what is wrong with a bad hub name
        return settings;
    }

    private static Properties clientProperties(Settings settings, Map<String, List<String>> options) {
        Path dataDir = Path.of(options.containsKey("data-dir") ? last(options, "data-dir") : ".data");
        String bootstrap = settings.find(Settings.BOOTSTRAP_SERVERS)
                .or(() -> EmbeddedKafkaBroker.lastBootstrapServers(dataDir.resolve("kafka")))
                .orElseThrow(() -> new IllegalArgumentException("where is Kafka? Give --bootstrap-servers host:port"
                        + " (no local cluster has run on " + dataDir.toAbsolutePath() + ")"));
        Properties p = new Properties();
        p.putAll(settings.kafkaClientOverrides());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static String last(Map<String, List<String>> options, String key) {
        List<String> values = options.get(key);
        return values == null ? null : values.getLast();
    }

    private static int positive(String value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--limit takes a whole number above 0, not '" + value + "'");
    }
}
