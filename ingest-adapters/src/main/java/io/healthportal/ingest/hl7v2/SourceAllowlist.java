package io.healthportal.ingest.hl7v2;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The addresses a partner may connect from: single addresses or CIDR blocks, IPv4 or IPv6. An empty
 * list allows any source (the listener's bind address is then the only limit).
 */
final class SourceAllowlist {

    private record Block(byte[] network, int prefixBits) {}

    private final List<Block> blocks;

    SourceAllowlist(List<String> entries) {
        this.blocks = entries == null
                ? List.of()
                : entries.stream().map(SourceAllowlist::parse).toList();
    }

    boolean allows(InetAddress source) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] address = source.getAddress();
        return blocks.stream().anyMatch(block -> matches(block, address));
    }

    private static boolean matches(Block block, byte[] address) {
        if (block.network().length != address.length) {
            return false;
        }
        int bits = block.prefixBits();
        for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((address[i] & mask) != (block.network()[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static Block parse(String entry) {
        String text = entry.strip();
        int slash = text.indexOf('/');
        try {
            // Literal addresses only: getByName on a literal does no DNS lookup.
            if (!text.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
                throw new IllegalArgumentException("INGEST-MLLP-ALLOWLIST: not an IP address or CIDR block: " + entry);
            }
            byte[] network = InetAddress.getByName(slash < 0 ? text : text.substring(0, slash))
                    .getAddress();
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("INGEST-MLLP-ALLOWLIST: prefix out of range: " + entry);
            }
            return new Block(network, prefix);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("INGEST-MLLP-ALLOWLIST: not an IP address or CIDR block: " + entry, e);
        }
    }
}
