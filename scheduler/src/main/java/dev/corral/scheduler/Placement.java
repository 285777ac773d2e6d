package dev.corral.scheduler;

import dev.corral.core.DeviceKind;
import dev.corral.core.Money;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Chooses the devices of a cluster from the idle ones: all that match the request (kind,
 * model, GPUs per device, region, runtime, and a price floor no higher than the price), the
 * cheapest floors first; among equal floors a random draw weighted by the IO staked on each
 * device's owner, so stake raises a supplier's chance without guaranteeing it. All or
 * nothing: fewer matches than asked is no placement.
 */
public final class Placement {
    /** Each this many IO staked on a supplier add the weight of an unstaked one to its draw. */
    public static final long STAKE_IO_PER_EXTRA_WEIGHT = 1_000;

    private Placement() {}

    public static Optional<List<Candidate>> choose(ClusterRequest request, Money pricePerDeviceHour, String runtime,
            List<Candidate> idle, RandomGenerator random) {
        List<Candidate> matching = matching(request, pricePerDeviceHour, runtime, idle);
        if (matching.size() < request.count()) {
            return Optional.empty();
        }
        // Efraimidis-Spirakis: a key u^(1/w) per candidate, highest first, is a draw without replacement by weight.
        record Keyed(Candidate candidate, double key) {}
        return Optional.of(matching.stream()
                .map(candidate -> new Keyed(candidate, Math.pow(random.nextDouble(), 1.0 / weight(candidate))))
                .sorted(Comparator.comparingLong((Keyed k) -> k.candidate().minPricePerHourMicros())
                        .thenComparing(Comparator.comparingDouble(Keyed::key).reversed()))
                .limit(request.count()).map(Keyed::candidate).toList());
    }

    /** 1 for an unstaked supplier, plus 1 for each {@link #STAKE_IO_PER_EXTRA_WEIGHT} IO staked on it. */
    public static double weight(Candidate candidate) {
        return 1.0 + (double) candidate.ownerStakeIo() / STAKE_IO_PER_EXTRA_WEIGHT;
    }

    /** Every idle device that could take a rank of this request. */
    public static List<Candidate> matching(ClusterRequest request, Money pricePerDeviceHour, String runtime,
            List<Candidate> idle) {
        return idle.stream().filter(candidate -> fits(request, pricePerDeviceHour, runtime, candidate)).toList();
    }

    static boolean fits(ClusterRequest request, Money pricePerDeviceHour, String runtime, Candidate candidate) {
        if (candidate.kind() != request.kind() || !candidate.runtimes().contains(runtime)) {
            return false;
        }
        if (request.kind() == DeviceKind.GPU
                && (!request.gpuModel().equals(candidate.gpuModel()) || candidate.gpuCount() != request.gpusPerDevice())) {
            return false;
        }
        if (request.region() != null && !request.region().equalsIgnoreCase(candidate.region())) {
            return false;
        }
        return candidate.minPricePerHourMicros() <= pricePerDeviceHour.minor();
    }
}
