package dev.corral.scheduler;

import dev.corral.core.DeviceKind;
import dev.corral.core.Money;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the devices of a cluster from the idle ones: all that match the request (kind,
 * model, GPUs per device, region, runtime, and a price floor no higher than the price), the
 * cheapest floors first. All or nothing: fewer matches than asked is no placement.
 */
public final class Placement {
    private static final Comparator<Candidate> PREFERENCE = Comparator
            .comparingLong(Candidate::minPricePerHourMicros)
            .thenComparing(candidate -> candidate.device().value());

    private Placement() {}

    public static Optional<List<Candidate>> choose(ClusterRequest request, Money pricePerDeviceHour, String runtime,
            List<Candidate> idle) {
        List<Candidate> matching = matching(request, pricePerDeviceHour, runtime, idle);
        if (matching.size() < request.count()) {
            return Optional.empty();
        }
        return Optional.of(matching.stream().sorted(PREFERENCE).limit(request.count()).toList());
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
