package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterState;
import dev.corral.core.DeviceStatus;
import dev.corral.core.api.NetworkStats;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.store.DeviceRow;
import dev.corral.store.Ledger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The public figures anyone may read: devices, clusters, and the ledger's sums. */
final class NetworkService {
    private final Store store;

    NetworkService(Store store) {
        this.store = requireNonNull(store, "store is null");
    }

    NetworkStats stats() {
        return store.db().transaction(c -> {
            List<DeviceRow> devices = store.devices().all(c);
            Map<String, Integer> byModel = new TreeMap<>();
            int online = 0;
            int idle = 0;
            for (DeviceRow device : devices) {
                if (!device.online()) {
                    continue;
                }
                online++;
                idle += DeviceService.status(device) == DeviceStatus.IDLE ? 1 : 0;
                String model = device.hardware().model() == null ? "CPU" : device.hardware().model().name();
                byModel.merge(model, 1, Integer::sum);
            }
            Map<String, Integer> byState = new TreeMap<>();
            for (Map.Entry<ClusterState, Integer> entry : store.clusters().countByState(c).entrySet()) {
                byState.put(entry.getKey().name(), entry.getValue());
            }
            List<NetworkStats.LedgerTotal> ledger = store.ledger().totals(c).stream()
                    .map(t -> new NetworkStats.LedgerTotal(t.currency().name(), t.balanceSum(), t.fundedFromOutside(),
                            t.networkFees(), t.transfers()))
                    .toList();
            Ledger.Supply supply = store.ledger().supply(c);
            NetworkStats.TokenSupply token = new NetworkStats.TokenSupply(EmissionSchedule.GENESIS_SUPPLY,
                    supply.minted(), supply.burned(), supply.current(), EmissionSchedule.HARD_CAP);
            return new NetworkStats(online, idle, online - idle, byModel, byState, ledger, token);
        });
    }
}
