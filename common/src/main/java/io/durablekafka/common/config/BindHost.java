package io.durablekafka.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a process's listeners bind ({@value #SETTING}): the one decision every listener of a role follows (the
 * gateway's HTTP port with its SSE, MCP and dashboard, the node's and worker's management ports, any listener added
 * later), so that a local cluster that stays on loopback stays there for all of them.
 *
 * <ul>
 *   <li>{@value #LOOPBACK} (or {@code loopback}, {@code 127.0.0.1}, {@code ::1}): the loopback addresses,
 *       127.0.0.1 and, when this machine has IPv6 loopback, ::1 as well: clients that resolve {@code localhost}
 *       to ::1 first (Node 18 and later, e.g. the Durable Functions npm client) must find the port there too.
 *       The default of {@code local-cluster};</li>
 *   <li>{@value #ANY} (or {@code ::}, {@code *}): every interface. The default of a role run alone (containers,
 *       where probes and Services reach the pod's address);</li>
 *   <li>any other name or address: the addresses it resolves to.</li>
 * </ul>
 *
 * @param host the setting as given, trimmed
 */
public record BindHost(String host) {

    public static final String SETTING = "dk.bind.host";
    public static final String LOOPBACK = "localhost";
    public static final String ANY = "0.0.0.0";

    private static final Set<String> LOOPBACK_NAMES = Set.of(LOOPBACK, "loopback", "127.0.0.1", "::1", "[::1]");
    private static final Set<String> ANY_NAMES = Set.of(ANY, "::", "[::]", "*");

    public BindHost {
        host = host == null || host.isBlank() ? ANY : host.strip().toLowerCase(Locale.ROOT);
    }

    /** Loopback only. */
    public static BindHost loopback() {
        return new BindHost(LOOPBACK);
    }

    /** Every interface. */
    public static BindHost any() {
        return new BindHost(ANY);
    }

    /** {@value #SETTING}, else {@code defaultHost}. */
    public static BindHost fromSettings(Settings settings, BindHost defaultHost) {
        return settings.find(SETTING).map(BindHost::new).orElse(defaultHost);
    }

    /** Whether every address this binds is a loopback address: nothing off this machine can connect. */
    public boolean isLoopback() {
        if (LOOPBACK_NAMES.contains(host)) {
            return true;
        }
        if (isAny()) {
            return false;
        }
        return addresses().stream().allMatch(InetAddress::isLoopbackAddress);
    }

    /** Whether this binds every interface. */
    public boolean isAny() {
        return ANY_NAMES.contains(host);
    }

    /**
     * The addresses to bind, one listening socket each, all on the same port: 127.0.0.1 and ::1 for loopback (::1
     * only where an interface has it), the wildcard address for every interface (dual-stack where IPv6 exists),
     * else what the name resolves to.
     */
    public List<InetAddress> addresses() {
        try {
            if (LOOPBACK_NAMES.contains(host)) {
                List<InetAddress> addresses = new ArrayList<>();
                addresses.add(InetAddress.getByAddress("localhost", new byte[]{127, 0, 0, 1}));
                if (hasIpv6Loopback()) {
                    addresses.add(InetAddress.getByAddress("localhost", ipv6Loopback()));
                }
                return List.copyOf(addresses);
            }
            if (isAny()) {
                return List.of(InetAddress.getByAddress(new byte[4]));
            }
            String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return List.of(InetAddress.getAllByName(name));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(SETTING + " '" + host + "' is no address of this machine: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The host of a Kafka listener (one address per listener): 127.0.0.1 for loopback (Kafka's Java clients try
     * every address {@code localhost} resolves to, so IPv4 alone is enough there), empty for every interface.
     */
    public String kafkaListenerHost() {
        if (LOOPBACK_NAMES.contains(host)) {
            return "127.0.0.1";
        }
        return isAny() ? "" : host;
    }

    /**
     * The host a Kafka listener bound here tells clients to connect to: {@code localhost} on loopback, this
     * machine's name on every interface (other machines cannot use {@code localhost}), else the host itself.
     */
    public String kafkaAdvertisedHost() {
        if (LOOPBACK_NAMES.contains(host)) {
            return LOOPBACK;
        }
        if (isAny()) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot tell this machine's name to advertise Kafka on; set "
                        + SETTING + " to a name other machines reach it by", e);
            }
        }
        return host;
    }

    /**
     * The host of a URL by which a client on this machine reaches a listener bound here: {@code localhost} for
     * loopback (both of its addresses are bound) and for every interface, else the host itself (an IPv6 literal in brackets). A listener bound to one
     * other address does not answer on {@code localhost}.
     */
    public String urlHost() {
        if (LOOPBACK_NAMES.contains(host) || isAny()) {
            return LOOPBACK;
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Opens one listener on an address and port. */
    @FunctionalInterface
    public interface Binder<T> {
        /** Binds {@code port} (0: any free port) on {@code address}; the listener is open on return. */
        T bind(InetAddress address, int port) throws IOException;
    }

    /**
     * Opens one listener per address of this host on the same port: the first address's port when {@code port} is 0.
     * Should a later address have that port taken (a free port on 127.0.0.1 need not be free on ::1), every listener
     * is closed and another port tried, a few times; a port asked for is never swapped for another.
     *
     * @param port  the port to bind, 0 for any free one
     * @param bind  opens a listener
     * @param portOf the port a listener got
     * @param close closes a listener (of a failed attempt)
     * @return the listeners, in the order of {@link #addresses()}
     */
    public <T> List<T> bindAll(int port, Binder<T> bind, java.util.function.ToIntFunction<T> portOf,
                               java.util.function.Consumer<T> close) {
        List<InetAddress> addresses = addresses();
        IOException last = null;
        for (int attempt = 1; attempt <= (port == 0 ? 5 : 1); attempt++) {
            List<T> opened = new ArrayList<>();
            int bound = port;
            try {
                for (InetAddress address : addresses) {
                    T listener;
                    try {
                        listener = bind.bind(address, bound);
                    } catch (IOException e) {
                        throw new BindFailure(address, bound, e);
                    }
                    opened.add(listener);
                    bound = portOf.applyAsInt(listener);
                }
                return List.copyOf(opened);
            } catch (BindFailure e) {
                opened.reversed().forEach(close);
                last = e.cause;
                if (port != 0 || opened.isEmpty()) {
                    throw new UncheckedIOException("cannot bind port " + e.port + " on " + e.address.getHostAddress()
                            + ": " + e.cause.getMessage(), e.cause);
                }
            } catch (RuntimeException | Error e) {
                opened.reversed().forEach(close);
                throw e;
            }
        }
        throw new UncheckedIOException("cannot find a port free on every address of " + this, last);
    }

    /**
     * A port free on every address of this host right now, for a server that binds its addresses one by one and
     * cannot retry (Jetty): it may be taken before the server binds it, as any probed port.
     */
    public int freePort() {
        List<java.net.ServerSocket> probes = bindAll(0, (address, p) -> {
            java.net.ServerSocket s = new java.net.ServerSocket();
            try {
                s.bind(new java.net.InetSocketAddress(address, p));
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }, java.net.ServerSocket::getLocalPort, BindHost::closeQuietly);
        probes.forEach(BindHost::closeQuietly);
        return probes.getFirst().getLocalPort();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // a probe socket: nothing to do
        }
    }

    private static final class BindFailure extends RuntimeException {
        final InetAddress address;
        final int port;
        final IOException cause;

        BindFailure(InetAddress address, int port, IOException cause) {
            super(cause);
            this.address = address;
            this.port = port;
            this.cause = cause;
        }
    }

    @Override
    public String toString() {
        if (LOOPBACK_NAMES.contains(host)) {
            return addresses().size() > 1 ? "loopback (127.0.0.1 and ::1)" : "loopback (127.0.0.1)";
        }
        return isAny() ? "every interface" : host;
    }

    private static byte[] ipv6Loopback() {
        byte[] b = new byte[16];
        b[15] = 1;
        return b;
    }

    private static boolean hasIpv6Loopback() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            return false; // this JVM cannot open IPv6 sockets
        }
        try {
            var interfaces = NetworkInterface.networkInterfaces().toList();
            for (NetworkInterface ni : interfaces) {
                if (ni.isUp() && ni.inetAddresses().anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress())) {
                    return true;
                }
            }
            return false;
        } catch (SocketException e) {
            return false;
        }
    }
}
