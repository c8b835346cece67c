package io.durablekafka.gateway.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which completion callback URLs are accepted: absolute {@code http}/{@code https} URLs without user info, to a
 * host on the allow-list when there is one, and (unless private targets are allowed, or the host is on the
 * allow-list) only to hosts whose every address is public: a name that resolves to one private address among
 * public ones is refused, since the client would pick any of them. The same check runs at start and again before
 * each delivery (a name's addresses can change in between).
 */
public final class CallbackPolicy {

    /** Resolves a host to all its addresses (DNS in production, a table in tests). */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    public static final Resolver DNS = host -> List.of(InetAddress.getAllByName(host));
    private static final int MAX_URL_LENGTH = 2048;

    private final HostAllowList allowedHosts;
    private final boolean allowPrivate;
    private final Resolver resolver;

    public CallbackPolicy(HostAllowList allowedHosts, boolean allowPrivate, Resolver resolver) {
        this.allowedHosts = allowedHosts;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Why a URL is refused. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * The URL, parsed, when it is accepted.
     *
     * @throws Refused with a sentence that names the problem
     */
    public URI check(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("the callback URL is empty");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new Refused("the callback URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new Refused("the callback URL is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new Refused("the callback URL must be an absolute http or https URL, not '" + url + "'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("the callback URL '" + url + "' has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("the callback URL must not carry user information");
        }
        boolean listed = allowedHosts.matches(host);
        if (!allowedHosts.isEmpty() && !listed) {
            throw new Refused("the callback host '" + host + "' is not on the allow-list (dk.webhooks.allowed.hosts)");
        }
        if (!allowPrivate && !listed) {
            checkAddresses(host);
        }
        return uri;
    }

    private void checkAddresses(String host) throws Refused {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused("the callback host '" + host + "' cannot be resolved");
        }
        if (addresses.isEmpty()) {
            throw new Refused("the callback host '" + host + "' has no address");
        }
        for (InetAddress a : addresses) {
            if (!PublicAddresses.isPublic(a)) {
                throw new Refused("the callback host '" + host + "' resolves to " + a.getHostAddress()
                        + ", a private, loopback, link-local or reserved address");
            }
        }
    }
}
