package dev.corral.core.api;

/**
 * Asks for a price: the fields of a deploy that decide it (a GPU model with GPUs per device,
 * or a CPU device; how many devices, for how many hours, where, and further conditions).
 */
public record QuoteRequest(String gpu, Boolean cpu, Integer gpusPerDevice, Integer count, Integer hours, String region,
        String where) {
    /** The quote request for what this deploy asks. */
    public static QuoteRequest of(DeployRequest deploy) {
        return new QuoteRequest(deploy.gpu(), deploy.cpu(), deploy.gpusPerDevice(), deploy.count(), deploy.hours(),
                deploy.region(), deploy.where());
    }
}
