package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends NetworkTest {
    @Test
    void concurrentDeploysNeverShareADeviceAndTheLosersPayNothing() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 6);
        List<CorralClient> customers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            customers.add(network.customer("customer" + i, "5"));
        }

        List<Object> outcomes = concurrently(customers.stream()
                .<Callable<Object>>map(customer -> () -> deployOrRefusal(customer, null)).toList());

        List<ClusterView> placed = outcomes.stream().filter(ClusterView.class::isInstance).map(ClusterView.class::cast).toList();
        List<CorralException> refused = outcomes.stream().filter(CorralException.class::isInstance)
                .map(CorralException.class::cast).toList();
        assertThat(placed).hasSize(3);
        assertThat(refused).hasSize(3).allSatisfy(e -> assertThat(e.status()).isEqualTo(409));
        Set<String> devices = new HashSet<>();
        placed.forEach(cluster -> cluster.ranks().forEach(rank -> assertThat(devices.add(rank.deviceId()))
                .as("device %s is in one cluster only", rank.deviceId()).isTrue()));
        long untouched = customers.stream().filter(c -> c.account().available().minor() == 5_000_000).count();
        assertThat(untouched).isEqualTo(3);
        for (ClusterView cluster : placed) {
            CorralClient owner = customers.stream().filter(c -> c.clusters().stream()
                    .anyMatch(k -> k.clusterId().equals(cluster.clusterId()))).findFirst().orElseThrow();
            owner.terminate(cluster.clusterId());
        }
    }

    @Test
    void aDeployRetriedWithTheSameKeyMakesOneClusterAndHoldsEscrowOnce() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");

        List<Object> outcomes = concurrently(List.<Callable<Object>>of(
                () -> deployOrRefusal(alice, "retry-1"), () -> deployOrRefusal(alice, "retry-1"),
                () -> deployOrRefusal(alice, "retry-1"), () -> deployOrRefusal(alice, "retry-1")));

        assertThat(outcomes).hasSize(4).allMatch(ClusterView.class::isInstance);
        assertThat(outcomes.stream().map(o -> ((ClusterView) o).clusterId()).distinct()).hasSize(1);
        assertThat(alice.clusters()).hasSize(1);
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - 2 * ClusterLifecycleTest.CPU_PRICE_MICROS);
        ClusterView later = alice.deploy(cpu(2, 1, "sleep 300"), "retry-1");
        assertThat(later.clusterId()).isEqualTo(((ClusterView) outcomes.getFirst()).clusterId());
        alice.terminate(later.clusterId());
    }

    @Test
    void aCreditRetriedWithTheSameKeyCountsOnce() {
        CorralClient alice = network.customer("alice", null);
        String id = alice.account().accountId();
        network.admin.credit(id, "3", "card-payment-17");
        network.admin.credit(id, "3", "card-payment-17");
        assertThat(alice.account().available().minor()).isEqualTo(3_000_000);
        assertThatThrownBy(() -> network.admin.credit(id, "4", "card-payment-17"))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("use a new key for a new request");
                });
        assertThat(alice.account().available().minor()).isEqualTo(3_000_000);
    }

    private static Object deployOrRefusal(CorralClient customer, String key) {
        try {
            return customer.deploy(cpu(2, 1, "sleep 300"), key);
        } catch (CorralException e) {
            return e;
        }
    }

    private static List<Object> concurrently(List<Callable<Object>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
