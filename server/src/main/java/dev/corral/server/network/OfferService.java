package dev.corral.server.network;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.api.Amount;
import dev.corral.core.api.OfferView;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PriceOracle;
import dev.corral.server.Refusal;
import dev.corral.server.devices.DeviceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Offer search over the scheduler's index: the idle devices that meet a query, grouped by what a customer would rent. */
public final class OfferService {
    static final Map<String, Comparator<OfferView>> SORTS = Map.of(
            "price", Comparator.comparingLong((OfferView o) -> o.pricePerDeviceHour().minor()),
            "-price", Comparator.comparingLong((OfferView o) -> o.pricePerDeviceHour().minor()).reversed(),
            "available", Comparator.comparingInt(OfferView::available).reversed(),
            "fp16", Comparator.comparing((OfferView o) -> o.fp16Tflops() == null ? 0 : o.fp16Tflops()).reversed());

    private final DeviceState devices;

    public OfferService(DeviceState devices) {
        this.devices = requireNonNull(devices, "devices is null");
    }

    public List<OfferView> search(String queryText, String sort) {
        OfferQuery query;
        try {
            query = OfferQuery.parse(queryText);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        Comparator<OfferView> order = SORTS.get(sort == null ? "price" : sort);
        if (order == null) {
            throw Refusal.invalid("sort must be one of " + new TreeSet<>(SORTS.keySet()));
        }
        List<OfferView> offers = new ArrayList<>();
        Map<GpuModel, Double> utilisation = new HashMap<>();
        for (DevicePool.OfferGroup group : devices.search(query)) {
            ClusterRequest request = new ClusterRequest(group.kind(), group.model(),
                    group.kind() == DeviceKind.GPU ? group.gpus() : 0, 1, 1, null);
            var catalog = HardwareCatalog.gpu(group.model());
            double hired = utilisation.computeIfAbsent(group.model(), model -> devices.utilisation(group.kind(), model));
            offers.add(new OfferView(group.kind().name(), group.model() == null ? null : group.model().name(),
                    group.gpus(), group.region(), group.available(),
                    Amount.of(PriceOracle.price(request, query, hired, 0).perDeviceHour()),
                    catalog.map(HardwareCatalog.Gpu::memoryGb).orElse(null),
                    catalog.map(HardwareCatalog.Gpu::fp16Tflops).orElse(null)));
        }
        offers.sort(order.thenComparing(OfferView::region).thenComparing(o -> String.valueOf(o.gpuModel())));
        return offers;
    }
}
