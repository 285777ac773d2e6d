package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferQueryTest {
    private static final Map<OfferQuery.Field, Object> H100_EU = Map.of(OfferQuery.Field.GPU, "H100",
            OfferQuery.Field.GPUS, 8, OfferQuery.Field.VRAM, 79.6, OfferQuery.Field.REGION, "eu-west",
            OfferQuery.Field.KIND, "GPU", OfferQuery.Field.PRICE, 1.5, OfferQuery.Field.FP16, 989.4,
            OfferQuery.Field.CPU_CORES, 64);

    private static boolean matches(String query) {
        return OfferQuery.parse(query).matches(H100_EU::get);
    }

    @Test
    void conditionsCompareNumbersAndWordsAsPeopleWriteThem() {
        assertThat(matches("gpu=h100 vram>=79 region=eu-west price<=2.5")).isTrue();
        assertThat(matches("gpu=H100 vram>=80")).isFalse();
        assertThat(matches("region in us-east,eu-west gpus=8")).isTrue();
        assertThat(matches("region notin us-east,eu-west")).isFalse();
        assertThat(matches("gpu != RTX_4090 fp16 > 900 cpu_cores<64")).isFalse();
        assertThat(matches("kind=gpu cpu_cores>=64")).isTrue();
        assertThat(matches("")).isTrue();
    }

    @Test
    void badQueriesSayWhatIsValid() {
        assertThatThrownBy(() -> OfferQuery.parse("color=red")).hasMessageContaining("unknown field 'color'")
                .hasMessageContaining("vram=GB of memory per GPU");
        assertThatThrownBy(() -> OfferQuery.parse("vram in 80,40")).hasMessageContaining("vram takes");
        assertThatThrownBy(() -> OfferQuery.parse("region>eu")).hasMessageContaining("region takes");
        assertThatThrownBy(() -> OfferQuery.parse("price<=cheap")).hasMessageContaining("price takes a number");
        assertThatThrownBy(() -> OfferQuery.parse("gpu=H100 fast")).hasMessageContaining("cannot read 'fast'");
        assertThatThrownBy(() -> OfferQuery.parse("x".repeat(2_000))).hasMessageContaining("at most");
    }

    @Test
    void theCatalogKnowsTheModelsNvidiaSmiReports() {
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA H100 80GB HBM3")))
                .hasValueSatisfying(gpu -> assertThat(gpu.fp16Tflops()).isEqualTo(989.4));
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA GeForce RTX 4090")))
                .hasValueSatisfying(gpu -> assertThat(gpu.memoryGb()).isEqualTo(24));
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA GeForce GTX 1080"))).isEmpty();
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA A100-SXM4-40GB")))
                .hasValueSatisfying(gpu -> assertThat(gpu.memoryGb()).isEqualTo(40));
        // The H100's PCIe card is a slower part than the SXM module, listed apart as nvidia-smi names it.
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA H100 PCIe"))).hasValueSatisfying(gpu -> {
            assertThat(gpu.fp32Tflops()).isEqualTo(51.2);
            assertThat(gpu.powerW()).isEqualTo(350);
        });
        assertThat(HardwareCatalog.gpu(GpuModel.parse("NVIDIA H100 NVL")))
                .hasValueSatisfying(gpu -> assertThat(gpu.memoryGb()).isEqualTo(94));
    }

    @Test
    void gpuConditionsReadAnySpellingOfAModelAndTellSxmFromPcie() {
        Map<OfferQuery.Field, Object> pcie = Map.of(OfferQuery.Field.GPU, "H100 PCIE");
        assertThat(OfferQuery.parse("gpu=h100_pcie").matches(pcie::get)).isTrue();
        assertThat(OfferQuery.parse("gpu=NVIDIA_H100_PCIe").matches(pcie::get)).isTrue();
        assertThat(OfferQuery.parse("gpu=H100").matches(pcie::get)).isFalse();
        assertThat(OfferQuery.parse("gpu in H100,H100_PCIE,H100_NVL").matches(pcie::get)).isTrue();
        assertThat(matches("gpu=H100_SXM")).as("SXM is the plain H100").isTrue();
        assertThat(OfferQuery.parse("gpu in h100_sxm,h100_pcie").text()).isEqualTo("gpu in H100,H100_PCIE");
        assertThatThrownBy(() -> OfferQuery.parse("gpu=H100;")).hasMessageContaining("gpu takes a GPU model");
    }

    @Test
    void aQueryWrittenBackAsTextReadsAsTheSameConditions() {
        OfferQuery query = OfferQuery.parse("gpu=H100  vram>=80 region in eu-west,us-east supplier notin miner price<2.5");
        assertThat(query.text()).isEqualTo("gpu=H100 vram>=80 region in eu-west,us-east supplier notin miner price<2.5");
        assertThat(OfferQuery.parse(query.text())).isEqualTo(query);
        assertThat(OfferQuery.parse("").text()).isEmpty();
    }
}
