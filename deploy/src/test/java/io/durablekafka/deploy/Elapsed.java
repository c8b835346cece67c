package io.durablekafka.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Seconds between instants, as the kill tests' timelines print them. */
final class Elapsed {

    private Elapsed() {
    }

    static double secs(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** {@code p3 1.20 s, p5 1.31 s}: when each partition got somewhere, from {@code from}. */
    static String fromTo(Instant from, Map<Integer, Instant> at) {
        return at.entrySet().stream().map(e -> String.format(Locale.ROOT, "p%d %.2f s", e.getKey(), secs(from, e.getValue())))
                .collect(Collectors.joining(", "));
    }
}
