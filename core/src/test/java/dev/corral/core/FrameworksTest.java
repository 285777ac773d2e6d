package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameworksTest {
    @Test
    void torchGetsTheHeadAsMasterAddrAndPortIncludingAnIpv6Head() {
        assertThat(Frameworks.variables(Frameworks.TORCH, "10.0.0.7:29500", 3, 4))
                .containsEntry("MASTER_ADDR", "10.0.0.7").containsEntry("MASTER_PORT", "29500")
                .containsEntry("WORLD_SIZE", "4").containsEntry("RANK", "3").containsEntry("LOCAL_RANK", "0")
                .containsEntry("LOCAL_WORLD_SIZE", "1").containsEntry("GROUP_RANK", "3")
                .containsOnlyKeys(Frameworks.TORCH_VARIABLES);
        assertThat(Frameworks.variables(Frameworks.TORCH, "[fd00::7]:29500", 0, 2))
                .containsEntry("MASTER_ADDR", "fd00::7").containsEntry("MASTER_PORT", "29500");
    }

    @Test
    void noFrameworkOrNoHeadYetGivesNothing() {
        assertThat(Frameworks.variables(null, "10.0.0.7:29500", 0, 2)).isEmpty();
        assertThat(Frameworks.variables(Frameworks.TORCH, null, 1, 2)).isEmpty();
    }
}
