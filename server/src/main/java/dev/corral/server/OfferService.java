package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.api.Amount;
import dev.corral.core.api.OfferView;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.HardwareCatalog;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PriceTable;
import dev.corral.store.DeviceRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Offer search: the idle devices that meet a query, grouped by what a customer would rent. */
final class OfferService {
    static final Map<String, Comparator<OfferView>> SORTS = Map.of(
            "price", Comparator.comparingLong((OfferView o) -> o.pricePerDeviceHour().minor()),
            "-price", Comparator.comparingLong((OfferView o) -> o.pricePerDeviceHour().minor()).reversed(),
            "available", Comparator.comparingInt(OfferView::available).reversed(),
            "fp16", Comparator.comparing((OfferView o) -> o.fp16Tflops() == null ? 0 : o.fp16Tflops()).reversed());

    private final Store store;

    OfferService(Store store) {
        this.store = requireNonNull(store, "store is null");
    }

    List<OfferView> search(String queryText, String sort) {
        OfferQuery query;
        try {
            query = OfferQuery.parse(queryText);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Comparator<OfferView> order = SORTS.get(sort == null ? "price" : sort);
        if (order == null) {
            throw ApiException.badRequest("sort must be one of " + new TreeSet<>(SORTS.keySet()));
        }
        record Group(DeviceKind kind, String model, int gpus, String region) {}
        Map<Group, Integer> counts = new LinkedHashMap<>();
        for (DeviceRow device : store.db().transaction(c -> store.devices().idle(c))) {
            if (!device.runtimes().contains(ClusterService.RUNTIME_PROCESS) || !DeviceFields.meets(device, query)) {
                continue;
            }
            GpuModel model = device.hardware().model();
            counts.merge(new Group(device.hardware().kind(), model == null ? null : model.name(),
                    device.hardware().gpuCount(), device.region()), 1, Integer::sum);
        }
        List<OfferView> offers = new ArrayList<>();
        counts.forEach((group, available) -> {
            GpuModel model = group.model() == null ? null : new GpuModel(group.model());
            ClusterRequest request = new ClusterRequest(group.kind(), model, group.kind() == DeviceKind.GPU ? group.gpus() : 0,
                    1, 1, null);
            var catalog = HardwareCatalog.gpu(model);
            offers.add(new OfferView(group.kind().name(), group.model(), group.gpus(), group.region(), available,
                    Amount.of(PriceTable.pricePerDeviceHour(request)), catalog.map(HardwareCatalog.Gpu::memoryGb).orElse(null),
                    catalog.map(HardwareCatalog.Gpu::fp16Tflops).orElse(null)));
        });
        offers.sort(order.thenComparing(OfferView::region).thenComparing(o -> String.valueOf(o.gpuModel())));
        return offers;
    }
}
