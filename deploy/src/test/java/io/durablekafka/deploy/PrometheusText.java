package io.durablekafka.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every line must be a HELP, a TYPE or a sample,
 * every sample must belong to a family declared by a TYPE line, and no family may be declared twice (which is
 * what two registries written into one scrape would do).
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    final Map<String, String> types = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (parsed.types.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("family declared twice: " + m.group(1));
                }
                family = m.group(1);
            } else if (HELP.matcher(line).matches()) {
                continue;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (family == null || !(name.equals(family) || name.startsWith(family + "_"))) {
                    throw new AssertionError("sample outside its declared family (" + family + "): " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    if (end != m.group(3).length()) {
                        throw new AssertionError("bad labels: " + line);
                    }
                }
                String v = m.group(4);
                double value = v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY
                        : Double.POSITIVE_INFINITY) : Double.parseDouble(v);
                parsed.samples.add(new Sample(name, labels, value));
            } else {
                throw new AssertionError("not Prometheus text format: " + line);
            }
        }
        return parsed;
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}. */
    double sum(String name, Map<String, String> labels) {
        double sum = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                sum += s.value();
            }
        }
        return sum;
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
