package dev.corral.core.api;

import java.util.regex.Pattern;

/**
 * Where one of a rank's declared ports is reached: the port as declared ({@code 8888/tcp}) and
 * the address the supplier's host publishes it on ({@code host:port}). Listed to the cluster's
 * owner only.
 */
public record Endpoint(String port, String address) {
    /** A host (a name or an address, brackets around IPv6) and a port, as agents report addresses. */
    public static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]{1,250}:[0-9]{1,5}");
}
