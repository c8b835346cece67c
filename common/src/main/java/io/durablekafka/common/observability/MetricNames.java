package io.durablekafka.common.observability;

/**
 * Names of meters more than one role writes, so that they add up across roles in one scrape. Micrometer names
 * are dotted; the Prometheus registry turns them into {@code dk_dead_letters_total} and the like. Every meter is
 * listed in docs/observability.md.
 */
public final class MetricNames {

    /** Records written to {@code dk.<hub>.deadletter}; tag {@value #ROLE}. */
    public static final String DEAD_LETTERS = "dk.dead.letters";
    public static final String ROLE = "role";

    private MetricNames() {
    }
}
