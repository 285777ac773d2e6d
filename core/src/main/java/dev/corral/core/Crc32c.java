package dev.corral.core;

import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * CRC-32C as 8 lower-case hex digits: how a device proves it received every byte of a
 * bandwidth probe, written the same way by the agent and checked by the coordinator.
 */
public final class Crc32c {
    private static final HexFormat HEX = HexFormat.of();

    private Crc32c() {}

    public static String hex(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return hex(crc);
    }

    /** The checksum of the bytes given so far, for bytes checksummed as they stream by. */
    public static String hex(CRC32C crc) {
        return HEX.toHexDigits((int) crc.getValue());
    }
}
