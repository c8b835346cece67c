package io.durablekafka.deploy;

import io.durablekafka.common.config.Settings;
import io.durablekafka.gateway.GatewayOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's rule for gateways that would serve a hub without a key: anyone who reaches the port could start,
 * read, terminate and purge its instances. A gateway run alone ({@code durable-kafka gateway}, the containers)
 * refuses to start so unless told by name ({@value GatewayOptions#ALLOW_ANONYMOUS}{@code =true}); a local cluster
 * that listens on loopback only needs no key (nothing off the machine reaches it), one opened with
 * {@code --host} is a gateway like any other.
 */
final class GatewayAccess {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayAccess.class);

    private GatewayAccess() {
    }

    /** A gateway that refused to start without a key: the launcher prints the message alone and exits. */
    static final class KeyRequired extends IllegalStateException {
        KeyRequired(String message) {
            super(message);
        }
    }

    /**
     * Whether {@code options} may serve: every hub has a key, or serving without one is allowed.
     *
     * @param anonymousOnLoopback whether no key is needed while {@code options} bind loopback only (local cluster)
     * @return whether some hub is served without a key (allowed)
     * @throws KeyRequired naming the hubs without a key and the settings that would let it start
     */
    static boolean check(GatewayOptions options, Settings settings, boolean anonymousOnLoopback) {
        List<String> open = options.hubsWithoutKey();
        if (open.isEmpty()) {
            return false;
        }
        String allow = settings.find(GatewayOptions.ALLOW_ANONYMOUS).orElse(null);
        boolean allowed = allow != null ? Boolean.parseBoolean(allow.strip())
                : anonymousOnLoopback && options.bindHost().isLoopback();
        if (!allowed) {
            throw new KeyRequired("the gateway would serve task hub(s) " + open + " without a key: anyone who"
                    + " reaches it (listening on " + options.bindHost() + ") could start, read and purge their"
                    + " instances. Set a system key (" + GatewayOptions.SYSTEM_KEY
                    + ", environment " + Settings.environmentVariable(GatewayOptions.SYSTEM_KEY) + ", or "
                    + GatewayOptions.HUB_SYSTEM_KEY_PREFIX + "<hub>; clients pass it as ?code= or the x-functions-key"
                    + " header), or serve without one on purpose with " + GatewayOptions.ALLOW_ANONYMOUS + "=true ("
                    + Settings.environmentVariable(GatewayOptions.ALLOW_ANONYMOUS) + "=true, --allow-anonymous)."
                    + " docs/security.md");
        }
        if (allow != null) {
            LOG.warn("serving task hub(s) {} without a key on {} ({}=true)", open, options.bindHost(),
                    GatewayOptions.ALLOW_ANONYMOUS);
        }
        return true;
    }
}
