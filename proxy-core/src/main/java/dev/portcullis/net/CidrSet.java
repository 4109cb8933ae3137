package dev.portcullis.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable set of CIDR blocks that answers whether an address lies in any of them. Safe to
 * share between threads; a lookup allocates nothing and costs one hash probe per distinct prefix
 * length in the set, however many blocks there are.
 *
 * <p>An address matches exactly when {@link Cidr#contains(byte[])} of one of the blocks would say
 * so: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) matches IPv4 blocks, and an IPv4 address
 * matches IPv6 blocks that contain its mapped form.
 *
 * <h2>Implementation notes</h2>
 *
 * Blocks are grouped by family and prefix length. Each group keeps the network addresses of its
 * blocks as 128-bit keys (two {@code long}s; IPv4 uses the low 32 bits) in an open-addressing hash
 * table. A lookup masks the address with each group's prefix and probes that group's table.
 */
public final class CidrSet {

    private static final long IPV4_MAPPED_PREFIX = 0xffffL << 32;
    private static final CidrSet EMPTY = of(List.of());

    private final List<Cidr> blocks;
    private final PrefixGroup[] ipv4Groups;
    private final PrefixGroup[] ipv6Groups;

    private CidrSet(List<Cidr> blocks, PrefixGroup[] ipv4Groups, PrefixGroup[] ipv6Groups) {
        this.blocks = blocks;
        this.ipv4Groups = ipv4Groups;
        this.ipv6Groups = ipv6Groups;
    }

    /** Returns the set of the given blocks; duplicates count once. */
    public static CidrSet of(Collection<Cidr> cidrs) {
        List<Cidr> distinct = List.copyOf(new LinkedHashSet<>(cidrs));
        Map<Integer, List<Cidr>> ipv4ByPrefix = new TreeMap<>();
        Map<Integer, List<Cidr>> ipv6ByPrefix = new TreeMap<>();
        for (Cidr cidr : distinct) {
            (cidr.isIpv4() ? ipv4ByPrefix : ipv6ByPrefix)
                    .computeIfAbsent(cidr.prefixLength(), prefix -> new ArrayList<>())
                    .add(cidr);
        }
        return new CidrSet(distinct, groups(ipv4ByPrefix, true), groups(ipv6ByPrefix, false));
    }

    /** Returns the set without blocks, which contains no address. */
    public static CidrSet empty() {
        return EMPTY;
    }

    private static PrefixGroup[] groups(Map<Integer, List<Cidr>> byPrefix, boolean ipv4) {
        PrefixGroup[] groups = new PrefixGroup[byPrefix.size()];
        int index = 0;
        for (Map.Entry<Integer, List<Cidr>> entry : byPrefix.entrySet()) {
            groups[index++] = new PrefixGroup(ipv4, entry.getKey(), entry.getValue());
        }
        return groups;
    }

    /** Whether the address lies in one of the blocks. */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /**
     * Whether the address, in network byte order, lies in one of the blocks. An array that is
     * neither 4 nor 16 bytes long is in no block.
     */
    public boolean contains(byte[] address) {
        if (address.length == 4) {
            return containsIpv4(readInt(address, 0));
        }
        if (address.length == 16) {
            return containsIpv6(readLong(address, 0), readLong(address, 8));
        }
        return false;
    }

    /** Whether the IPv4 address, as a big-endian {@code int}, lies in one of the blocks. */
    public boolean containsIpv4(int address) {
        long key = Integer.toUnsignedLong(address);
        return anyContains(ipv4Groups, 0, key)
                || anyContains(ipv6Groups, 0, IPV4_MAPPED_PREFIX | key);
    }

    /** Whether the IPv6 address, given as its high and low 64 bits, lies in one of the blocks. */
    public boolean containsIpv6(long high, long low) {
        if (anyContains(ipv6Groups, high, low)) {
            return true;
        }
        boolean ipv4Mapped = high == 0 && (low >>> 32) == 0xffffL;
        return ipv4Mapped && anyContains(ipv4Groups, 0, low & 0xffff_ffffL);
    }

    private static boolean anyContains(PrefixGroup[] groups, long high, long low) {
        for (PrefixGroup group : groups) {
            if (group.contains(high, low)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The number of distinct blocks. */
    public int size() {
        return blocks.size();
    }

    /** The distinct blocks, in the order first given. */
    public List<Cidr> blocks() {
        return blocks;
    }

    @Override
    public String toString() {
        return blocks.toString();
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24
                | (bytes[offset + 1] & 0xff) << 16
                | (bytes[offset + 2] & 0xff) << 8
                | (bytes[offset + 3] & 0xff);
    }

    private static long readLong(byte[] bytes, int offset) {
        return (long) readInt(bytes, offset) << 32
                | Integer.toUnsignedLong(readInt(bytes, offset + 4));
    }

    /** Returns a mask with the top {@code bits} bits of 64 set; none when 0 or less. */
    private static long leadingOnes(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }

    /** The blocks of one family and prefix length, keyed by their network address. */
    private static final class PrefixGroup {

        private final long highMask;
        private final long lowMask;
        private final KeyTable networks;

        PrefixGroup(boolean ipv4, int prefixLength, List<Cidr> blocks) {
            this.highMask = ipv4 ? 0 : leadingOnes(prefixLength);
            this.lowMask = ipv4 ? leadingOnes(prefixLength) >>> 32 : leadingOnes(prefixLength - 64);
            this.networks = new KeyTable(blocks.size());
            for (Cidr block : blocks) {
                byte[] network = block.networkBytes();
                if (ipv4) {
                    networks.add(0, Integer.toUnsignedLong(readInt(network, 0)));
                } else {
                    networks.add(readLong(network, 0), readLong(network, 8));
                }
            }
        }

        boolean contains(long high, long low) {
            return networks.contains(high & highMask, low & lowMask);
        }
    }

    /**
     * A fixed-size open-addressing hash set of 128-bit keys with linear probing, kept at most half
     * full so that a probe for an absent key ends quickly.
     */
    private static final class KeyTable {

        private final long[] highs;
        private final long[] lows;
        private final boolean[] used;
        private final int indexMask;

        KeyTable(int expectedKeys) {
            int capacity = Integer.highestOneBit(Math.max(1, expectedKeys)) * 4;
            this.highs = new long[capacity];
            this.lows = new long[capacity];
            this.used = new boolean[capacity];
            this.indexMask = capacity - 1;
        }

        void add(long high, long low) {
            int index = slot(high, low);
            while (used[index]) {
                if (highs[index] == high && lows[index] == low) {
                    return;
                }
                index = (index + 1) & indexMask;
            }
            highs[index] = high;
            lows[index] = low;
            used[index] = true;
        }

        boolean contains(long high, long low) {
            int index = slot(high, low);
            while (used[index]) {
                if (highs[index] == high && lows[index] == low) {
                    return true;
                }
                index = (index + 1) & indexMask;
            }
            return false;
        }

        private int slot(long high, long low) {
            // Network keys share their low bits (all zero past the prefix), so mix before masking.
            long hash = high * 0x9e3779b97f4a7c15L + low;
            hash = (hash ^ (hash >>> 32)) * 0xd6e8feb86659fd93L;
            return (int) (hash ^ (hash >>> 32)) & indexMask;
        }
    }
}
