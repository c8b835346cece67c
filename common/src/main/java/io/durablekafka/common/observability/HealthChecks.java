package io.durablekafka.common.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The liveness and readiness checks of the roles in a process, by component name ({@code node}, {@code worker},
 * {@code gateway}). A process is live when every component is, ready when every component is; a process with no
 * component registered is live but not ready.
 */
public final class HealthChecks {

    /** What a check says: null detail when fine, else what is wrong (shown in the 503 body). */
    public record Check(boolean ok, String detail) {
        public static final Check OK = new Check(true, null);

        public static Check failing(String detail) {
            return new Check(false, detail);
        }
    }

    /** The outcome of all checks of one kind. */
    public record Report(boolean ok, Map<String, Check> checks) {
    }

    private record Component(Supplier<Check> liveness, Supplier<Check> readiness) {
    }

    private final ConcurrentMap<String, Component> components = new ConcurrentHashMap<>();

    /**
     * Adds a component's checks; they are called on every probe, from HTTP threads, so they must be cheap and
     * thread-safe. A second component of the same kind in the process (two workers) is named {@code worker-2}.
     * Closing the returned handle removes them (the role stopped).
     */
    public AutoCloseable register(String component, Supplier<Check> liveness, Supplier<Check> readiness) {
        Component c = new Component(liveness, readiness);
        String name = component;
        for (int n = 2; components.putIfAbsent(name, c) != null; n++) {
            name = component + "-" + n;
        }
        String registered = name;
        return () -> components.remove(registered, c);
    }

    public Report liveness() {
        return evaluate(true);
    }

    public Report readiness() {
        return evaluate(false);
    }

    private Report evaluate(boolean live) {
        Map<String, Check> results = new LinkedHashMap<>();
        boolean ok = live || !components.isEmpty();
        for (var e : new TreeMap<>(components).entrySet()) {
            Check check;
            try {
                check = (live ? e.getValue().liveness() : e.getValue().readiness()).get();
            } catch (RuntimeException ex) {
                check = Check.failing("check failed: " + ex);
            }
            results.put(e.getKey(), check);
            ok &= check.ok();
        }
        return new Report(ok, results);
    }
}
