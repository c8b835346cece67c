package io.durablekafka.gateway.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which IP addresses are on the public internet. Everything else (loopback, private, link-local, carrier-grade NAT,
 * multicast, documentation and benchmark ranges, reserved space) is where a callback could reach services that only
 * trust their network, the point of server-side request forgery.
 */
public final class PublicAddresses {

    private PublicAddresses() {
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (address instanceof Inet6Address) {
            return isPublicV6(b);
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return !(a0 == 0                                  // "this network"
                || a0 == 10 || a0 == 127                  // private, loopback
                || (a0 == 100 && a1 >= 64 && a1 <= 127)   // carrier-grade NAT
                || (a0 == 169 && a1 == 254)               // link-local (cloud metadata services live here)
                || (a0 == 172 && a1 >= 16 && a1 <= 31)
                || (a0 == 192 && a1 == 168)
                || (a0 == 192 && a1 == 0 && a2 == 0)      // IETF protocol assignments
                || (a0 == 192 && a1 == 0 && a2 == 2)      // documentation
                || (a0 == 198 && (a1 == 18 || a1 == 19))  // benchmarking
                || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)
                || a0 >= 224);                            // multicast, reserved, broadcast
    }

    private static boolean isPublicV6(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {                        // unique local fc00::/7
            return false;
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {          // deprecated site-local fec0::/10
            return false;
        }
        if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) { // documentation
            return false;
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix) {
            // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (compatible) reach the IPv4 address: judge that one.
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = b[10] == 0 && b[11] == 0;
            if (mapped || compatible) {
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
        }
        if (b0 == 0x00 && b1 == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) { // NAT64 64:ff9b::/96
            return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
        }
        return true;
    }
}
