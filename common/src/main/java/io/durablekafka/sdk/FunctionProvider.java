package io.durablekafka.sdk;

/**
 * Contributes functions to a {@link FunctionRegistry}. Implementations listed in
 * {@code META-INF/services/io.durablekafka.sdk.FunctionProvider} of a jar on the classpath are found with
 * {@link java.util.ServiceLoader}, so the stock node and worker run user functions without code changes.
 */
public interface FunctionProvider {
    void register(FunctionRegistry.Builder registry);
}
