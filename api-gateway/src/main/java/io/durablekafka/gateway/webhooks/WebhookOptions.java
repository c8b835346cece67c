package io.durablekafka.gateway.webhooks;

import io.durablekafka.common.config.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Completion callbacks in a gateway: which URLs a start may name, and how this gateway's deliverer signs and retries.
 *
 * @param allowedHosts     host patterns a callback may target (empty: any host with public addresses)
 * @param allowPrivate     accept callbacks to private, loopback and link-local addresses (tests, local clusters)
 * @param secret           the signing secret ({@code whsec_<base64>}) of hubs without their own; null: generated at
 *                         start (fine for one gateway, not for several: each would sign with its own)
 * @param hubSecrets       secrets of single hubs (hub → secret)
 * @param backoff          the retry schedule and how long deliveries are retried
 * @param attemptTimeout   how long one POST may take
 * @param delivererEnabled whether this gateway runs a deliverer
 */
public record WebhookOptions(HostAllowList allowedHosts, boolean allowPrivate, String secret,
                             Map<String, String> hubSecrets, Backoff backoff, Duration attemptTimeout,
                             boolean delivererEnabled) {

    public static final String ALLOWED_HOSTS = "dk.webhooks.allowed.hosts";
    public static final String ALLOW_PRIVATE = "dk.webhooks.allow.private";
    public static final String SECRET = "dk.webhooks.secret";
    /** Followed by {@code .<hub>}: the secret of that hub. */
    public static final String HUB_SECRET_PREFIX = "dk.webhooks.secret.";
    public static final String INITIAL_BACKOFF_MS = "dk.webhooks.initial.backoff.ms";
    public static final String MAX_BACKOFF_MS = "dk.webhooks.max.backoff.ms";
    public static final String RETRY_WINDOW_MS = "dk.webhooks.retry.window.ms";
    public static final String ATTEMPT_TIMEOUT_MS = "dk.webhooks.attempt.timeout.ms";
    public static final String DELIVERER = "dk.webhooks.deliverer";

    public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10),
            Duration.ofHours(24));
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    public WebhookOptions {
        allowedHosts = allowedHosts == null ? new HostAllowList(null) : allowedHosts;
        secret = secret == null || secret.isBlank() ? null : secret.strip();
        Map<String, String> secrets = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (hubSecrets != null) {
            hubSecrets.forEach((hub, s) -> {
                if (s != null && !s.isBlank()) {
                    secrets.put(hub, s.strip());
                }
            });
        }
        hubSecrets = java.util.Collections.unmodifiableMap(secrets);
        backoff = backoff == null ? DEFAULT_BACKOFF : backoff;
        attemptTimeout = attemptTimeout == null ? DEFAULT_ATTEMPT_TIMEOUT : attemptTimeout;
        // Fail at start, not at the first delivery.
        if (secret != null) {
            new WebhookSigner(secret);
        }
        secrets.values().forEach(WebhookSigner::new);
    }

    /** Public targets only, any host, a generated secret, the default schedule, a deliverer. */
    public static WebhookOptions defaults() {
        return new WebhookOptions(null, false, null, null, null, null, true);
    }

    /**
     * Reads {@value #ALLOWED_HOSTS} (comma list), {@value #ALLOW_PRIVATE}, {@value #SECRET},
     * {@code dk.webhooks.secret.<hub>} for each of {@code hubs}, {@value #INITIAL_BACKOFF_MS},
     * {@value #MAX_BACKOFF_MS}, {@value #RETRY_WINDOW_MS}, {@value #ATTEMPT_TIMEOUT_MS} and {@value #DELIVERER}.
     */
    public static WebhookOptions fromSettings(Settings settings, Iterable<String> hubs) {
        Map<String, String> hubSecrets = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String hub : hubs) {
            settings.find(HUB_SECRET_PREFIX + hub).ifPresent(s -> hubSecrets.put(hub, s));
        }
        Backoff backoff = new Backoff(
                Duration.ofMillis(settings.getLong(INITIAL_BACKOFF_MS, DEFAULT_BACKOFF.initial().toMillis())),
                Duration.ofMillis(settings.getLong(MAX_BACKOFF_MS, DEFAULT_BACKOFF.max().toMillis())),
                Duration.ofMillis(settings.getLong(RETRY_WINDOW_MS, DEFAULT_BACKOFF.window().toMillis())));
        return new WebhookOptions(
                new HostAllowList(Arrays.stream(settings.get(ALLOWED_HOSTS, "").split(",")).toList()),
                Boolean.parseBoolean(settings.get(ALLOW_PRIVATE, "false")),
                settings.find(SECRET).orElse(null),
                hubSecrets,
                backoff,
                Duration.ofMillis(settings.getLong(ATTEMPT_TIMEOUT_MS, DEFAULT_ATTEMPT_TIMEOUT.toMillis())),
                Boolean.parseBoolean(settings.get(DELIVERER, "true")));
    }

    /** The secret configured for {@code hub}, or null. */
    public String secretFor(String hub) {
        return hubSecrets.getOrDefault(hub, secret);
    }

    /** The policy start requests are checked against (and deliveries, before each attempt). */
    public CallbackPolicy policy() {
        return new CallbackPolicy(allowedHosts, allowPrivate, CallbackPolicy.DNS);
    }

    public WebhookOptions withAllowPrivate(boolean allow) {
        return new WebhookOptions(allowedHosts, allow, secret, hubSecrets, backoff, attemptTimeout, delivererEnabled);
    }

    public WebhookOptions withSecret(String newSecret) {
        return new WebhookOptions(allowedHosts, allowPrivate, newSecret, hubSecrets, backoff, attemptTimeout,
                delivererEnabled);
    }

    public WebhookOptions withBackoff(Backoff newBackoff) {
        return new WebhookOptions(allowedHosts, allowPrivate, secret, hubSecrets, newBackoff, attemptTimeout,
                delivererEnabled);
    }

    public WebhookOptions withDeliverer(boolean enabled) {
        return new WebhookOptions(allowedHosts, allowPrivate, secret, hubSecrets, backoff, attemptTimeout, enabled);
    }
}
