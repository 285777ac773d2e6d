package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {
    @Test
    void parsesDecimalDollarsIntoExactMicros() {
        assertThat(Money.parse("12.5", Currency.USD).minor()).isEqualTo(12_500_000);
        assertThat(Money.parse("0.000001", Currency.USD).minor()).isEqualTo(1);
        assertThat(Money.parse(" 7 ", Currency.USD).minor()).isEqualTo(7_000_000);
    }

    @Test
    void refusesNegativeOverPreciseHugeAndNonNumbers() {
        assertThatThrownBy(() -> Money.parse("-1", Currency.USD)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Money.parse("0.0000001", Currency.USD)).hasMessageContaining("decimals");
        assertThatThrownBy(() -> Money.parse("1e30", Currency.USD)).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> Money.parse("ten", Currency.USD)).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Money.parse("", Currency.USD)).hasMessageContaining("missing");
    }

    @Test
    void arithmeticIsExactAndRefusesOverflowAndMixedCurrencies() {
        Money a = Money.usd(1_500_000);
        assertThat(a.plus(Money.usd(500_000))).isEqualTo(Money.usd(2_000_000));
        assertThat(a.times(3).minor()).isEqualTo(4_500_000);
        assertThat(a.toString()).isEqualTo("1.50 USD");
        assertThatThrownBy(() -> Money.usd(Long.MAX_VALUE).plus(Money.usd(1))).isInstanceOf(ArithmeticException.class);
    }
}
