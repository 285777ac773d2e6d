package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Frameworks;
import dev.corral.core.Runtimes;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.protocol.Assignment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerPlanTest {
    private static final ContainerPlan.Reach NO_GATEWAY = new ContainerPlan.Reach("10.0.0.7", Optional.empty());
    private static final ContainerPlan.DeviceLimits CPU_BOX = new ContainerPlan.DeviceLimits(4_096, 2, List.of());

    @Test
    void aRankGetsItsVariablesTheCustomersSecretsItsLimitsAndLabelsAndRankZeroPublishesTheHeadPort() {
        Assignment assignment = assignment(0, new ContainerSpec("ghcr.io/team/train:2", null, List.of("8888", "53/udp"),
                Map.of("HF_TOKEN", "hf_secret"), "2g"), "python train.py --epochs 3");

        ContainerPlan plan = ContainerPlan.of("dev_1", assignment, "10.0.0.7:41000", Optional.of(41000),
                List.of(42001, 42002), CPU_BOX, new ContainerPlan.Reach("10.0.0.7", Optional.of("10.88.0.1")));

        assertThat(plan.name()).isEqualTo("corral-clu_1-0");
        assertThat(plan.image()).isEqualTo("ghcr.io/team/train:2");
        assertThat(plan.cmd()).contains(List.of("python", "train.py", "--epochs", "3"));
        assertThat(plan.entrypoint()).isEmpty();
        assertThat(plan.env()).contains("EPOCHS=3", "HF_TOKEN=hf_secret", "CORRAL_RANK=0", "CORRAL_WORLD_SIZE=2",
                "CORRAL_HEAD_ADDR=127.0.0.1:41000", "CORRAL_HEAD_PORT=41000", "CORRAL_CLUSTER_ID=clu_1");
        assertThat(plan.labels()).containsEntry(ContainerPlan.LABEL_DEVICE, "dev_1")
                .containsEntry(ContainerPlan.LABEL_CLUSTER, "clu_1").containsEntry(ContainerPlan.LABEL_RANK, "0");
        assertThat(plan.ports()).containsExactly(new ContainerPlan.Publish(41000, 41000, "tcp"),
                new ContainerPlan.Publish(42001, 8888, "tcp"), new ContainerPlan.Publish(42002, 53, "udp"));
        assertThat(plan.memoryBytes()).isEqualTo(4_096L << 20);
        assertThat(plan.nanoCpus()).isEqualTo(2_000_000_000L);
        assertThat(plan.shmBytes()).contains(2L << 30);
        assertThat(plan.gpuIds()).isEmpty();
    }

    @Test
    void aRankOtherThanZeroPublishesNoHeadPortAndWithoutACommandRunsTheImagesOwn() {
        ContainerPlan plan = ContainerPlan.of("dev_1", assignment(1, new ContainerSpec("busybox", "/bin/sh", null,
                null, null), null), "10.0.0.7:41000", Optional.empty(), List.of(), CPU_BOX, NO_GATEWAY);

        assertThat(plan.cmd()).isEmpty();
        assertThat(plan.entrypoint()).contains("/bin/sh");
        assertThat(plan.ports()).isEmpty();
        assertThat(plan.env()).contains("CORRAL_RANK=1", "CORRAL_HEAD_ADDR=10.0.0.7:41000")
                .noneMatch(v -> v.startsWith("CORRAL_HEAD_PORT="));
    }

    @Test
    void theEngineIsAskedForAnUnprivilegedContainerWithMinimalCapabilitiesAndBoundedProcessesMemoryAndCpu()
            throws Exception {
        ContainerPlan plan = ContainerPlan.of("dev_1", assignment(0, new ContainerSpec("busybox", null, List.of("80"),
                null, null), "true"), "127.0.0.2:41000", Optional.of(41000), List.of(42000), CPU_BOX,
                new ContainerPlan.Reach("127.0.0.2", Optional.empty()));

        JsonNode host = hostConfigJson(plan);

        assertThat(host.get("Privileged").asBoolean()).isFalse();
        assertThat(host.get("CapDrop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(host.get("CapAdd")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(ContainerPlan.CAPABILITIES);
        assertThat(host.get("SecurityOpt")).extracting(JsonNode::asText).containsExactly("no-new-privileges");
        assertThat(host.has("Binds")).as("nothing of the host mounted").isFalse();
        assertThat(host.has("Mounts")).isFalse();
        assertThat(host.has("NetworkMode")).as("the engine's own network for the container, not the host's").isFalse();
        assertThat(host.get("PidsLimit").asLong()).isEqualTo(ContainerPlan.PIDS_MAX);
        assertThat(host.get("Memory").asLong()).isEqualTo(4_096L << 20);
        assertThat(host.get("MemorySwap").asLong()).as("no swap beyond the memory").isEqualTo(4_096L << 20);
        assertThat(host.get("NanoCpus").asLong()).isEqualTo(2_000_000_000L);
        assertThat(host.get("PortBindings").get("80/tcp").get(0).get("HostIp").asText()).isEqualTo("127.0.0.2");
        assertThat(host.get("PortBindings").get("80/tcp").get(0).get("HostPort").asText()).isEqualTo("42000");
        assertThat(host.get("PortBindings").get("41000/tcp").get(0).get("HostPort").asText()).isEqualTo("41000");
        assertThat(host.has("DeviceRequests")).as("a CPU device's rank gets no GPU").isFalse();
    }

    /** No GPU is lent to this test: it checks the request the engine would get, not a container on a GPU. */
    @Test
    void aGpuDevicesRankAsksTheEngineForExactlyThatDevicesGpus_requestOnlyWithoutAGpu() throws Exception {
        ContainerPlan.DeviceLimits gpuBox = new ContainerPlan.DeviceLimits(65_536, 16, List.of("1", "3"));
        ContainerPlan plan = ContainerPlan.of("dev_1", assignment(0, new ContainerSpec("busybox", null, null, null,
                null), "true"), "gpu-host:41000", Optional.of(41000), List.of(), gpuBox,
                new ContainerPlan.Reach("gpu-host", Optional.of("10.88.0.1")));

        JsonNode host = hostConfigJson(plan);

        assertThat(host.get("DeviceRequests")).hasSize(1);
        JsonNode gpus = host.get("DeviceRequests").get(0);
        assertThat(gpus.get("Driver").asText()).isEqualTo("nvidia");
        assertThat(gpus.get("DeviceIDs")).extracting(JsonNode::asText).containsExactly("1", "3");
        assertThat(gpus.get("Capabilities").get(0)).extracting(JsonNode::asText).containsExactly("gpu");
        assertThat(gpus.has("Count")).as("the ids, not a count, which would give any GPUs").isFalse();
        assertThat(host.get("PortBindings").get("41000/tcp").get(0).get("HostIp").asText())
                .as("a host name is not an address to bind to: every interface").isEmpty();
    }

    /**
     * Agents that advertise a loopback address (several on one machine, as in the demo and the
     * tests) publish ports there and on the engine's gateway, and their containers reach a
     * loopback head or peer at the gateway, since a container's own loopback is its own.
     */
    @Test
    void aContainerReachesALoopbackHeadThroughTheEnginesGatewayWherePortsArePublishedToo() throws Exception {
        ContainerPlan.Reach reach = new ContainerPlan.Reach("127.0.0.3", Optional.of("10.88.0.1"));
        Assignment assignment = new Assignment("clu_1", 1, 3, Runtimes.CONTAINER, "true", Map.of(), "127.0.0.2:41000",
                List.of("127.0.0.2", "127.0.0.3", "10.1.2.3"), false, new ContainerSpec("busybox", null, List.of("80"),
                        null, null));

        ContainerPlan plan = ContainerPlan.of("dev_1", assignment, "127.0.0.2:41000", Optional.empty(), List.of(42000),
                CPU_BOX, reach);

        assertThat(plan.env()).contains("CORRAL_HEAD_ADDR=10.88.0.1:41000", "CORRAL_PEERS=10.88.0.1,10.88.0.1,10.1.2.3");
        assertThat(plan.publishOn()).containsExactly("127.0.0.3", "10.88.0.1");
        JsonNode bindings = hostConfigJson(plan).get("PortBindings").get("80/tcp");
        assertThat(bindings).extracting(binding -> binding.get("HostIp").asText() + ":" + binding.get("HostPort").asText())
                .containsExactly("127.0.0.3:42000", "10.88.0.1:42000");
        assertThat(reach.fromContainer("localhost:9")).isEqualTo("10.88.0.1:9");
        assertThat(reach.fromContainer("[::1]:9")).isEqualTo("10.88.0.1:9");
        assertThat(reach.fromContainer("gpu-host:9")).isEqualTo("gpu-host:9");
        assertThat(new ContainerPlan.Reach("10.0.0.7", Optional.of("10.88.0.1")).publishOn())
                .as("a host reached by other hosts at its address: published there only").containsExactly("10.0.0.7");
        assertThat(new ContainerPlan.Reach("127.0.0.1", Optional.empty()).fromContainer("127.0.0.1:9"))
                .as("no gateway known: as given").isEqualTo("127.0.0.1:9");
    }

    /**
     * A torch cluster's ranks get torchrun's variables: the head at its own loopback (a container
     * cannot reach itself through the engine's gateway), the others at the address they reach it by.
     */
    @Test
    void torchRanksGetTorchrunsVariablesWithTheHeadReachingItselfOnItsLoopback() {
        ContainerPlan.Reach reach = new ContainerPlan.Reach("127.0.0.3", Optional.of("10.88.0.1"));
        ContainerSpec spec = new ContainerSpec("localhost/corral/torch:1", null, null, null, null);
        Assignment head = new Assignment("clu_1", 0, 3, Runtimes.CONTAINER, "python3 ddp_train.py", Map.of(), null,
                List.of(), false, spec, Frameworks.TORCH, 0, 0, 0);
        Assignment worker = new Assignment("clu_1", 2, 3, Runtimes.CONTAINER, "python3 ddp_train.py", Map.of(),
                "127.0.0.2:41000", List.of(), false, spec, Frameworks.TORCH, 0, 0, 0);

        List<String> headEnv = ContainerPlan.of("dev_1", head, "127.0.0.2:41000", Optional.of(41000), List.of(),
                CPU_BOX, reach).env();
        List<String> workerEnv = ContainerPlan.of("dev_2", worker, "127.0.0.2:41000", Optional.empty(), List.of(),
                CPU_BOX, reach).env();

        assertThat(headEnv).contains("MASTER_ADDR=127.0.0.1", "MASTER_PORT=41000", "WORLD_SIZE=3", "RANK=0",
                "LOCAL_RANK=0", "LOCAL_WORLD_SIZE=1", "GROUP_RANK=0");
        assertThat(workerEnv).contains("MASTER_ADDR=10.88.0.1", "MASTER_PORT=41000", "WORLD_SIZE=3", "RANK=2",
                "LOCAL_RANK=0", "LOCAL_WORLD_SIZE=1", "GROUP_WORLD_SIZE=3");
        assertThat(ContainerPlan.of("dev_2", assignment(1, spec, "true"), "10.0.0.7:41000", Optional.empty(),
                List.of(), CPU_BOX, reach).env()).as("no framework: none of torchrun's variables")
                .noneMatch(variable -> variable.startsWith("MASTER_ADDR="));
    }

    private static JsonNode hostConfigJson(ContainerPlan plan) throws Exception {
        // As docker-java writes its requests: without the settings left unset.
        ObjectMapper mapper = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        return mapper.readTree(mapper.writeValueAsString(ContainerEngine.hostConfig(plan)));
    }

    private static Assignment assignment(int rank, ContainerSpec spec, String cmd) {
        return new Assignment("clu_1", rank, 2, Runtimes.CONTAINER, cmd, Map.of("EPOCHS", "3"),
                rank == 0 ? null : "10.0.0.7:41000", List.of(), false, spec);
    }
}
