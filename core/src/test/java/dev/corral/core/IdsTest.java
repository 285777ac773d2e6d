package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void aRandomIdHasItsPrefixAndTwentyHexDigitsAndReadsBack() {
        String id = Ids.random(DeviceId.PREFIX);
        assertThat(id).matches("dev_[0-9a-f]{20}");
        assertThat(new DeviceId(id).value()).isEqualTo(id);
        assertThat(Ids.looksLike(id, DeviceId.PREFIX)).isTrue();
    }

    @Test
    void anythingElseIsNotAnId() {
        for (String bad : new String[] {null, "", "dev_", "dev_0123456789abcdef012", "dev_0123456789abcdef01234",
                "dev-0123456789abcdef0123", "acc_0123456789abcdef0123", "dev_0123456789ABCDEF0123",
                "dev_0123456789abcdefg123", "xdev_0123456789abcdef012", "dev_0123456789abcdef012 "}) {
            assertThat(Ids.looksLike(bad, DeviceId.PREFIX)).as(String.valueOf(bad)).isFalse();
        }
        assertThatThrownBy(() -> new DeviceId("acc_0123456789abcdef0123"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid");
        assertThat(Ids.looksLike("dev_0123456789abcdef0123", DeviceId.PREFIX)).isTrue();
    }
}
