package dev.corral.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.DeployRequest;
import dev.corral.server.Refusal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployFormTest {
    private static DeployForm form(Map<String, String> fields) {
        Map<String, String> all = new HashMap<>(Map.of("hardware", "gpu", "gpu", "H100", "gpusPerDevice", "8", "count", "2",
                "duration", "3", "durationUnit", "days", "type", "container", "image", "ghcr.io/a/b:1"));
        all.put("pay", "USD");
        all.putAll(fields);
        return DeployForm.read(all::get);
    }

    @Test
    void theFormAsksWhatTheCliWouldWithDaysInHoursAndCountriesAndTiersInTheQuery() {
        Map<String, String> fields = new HashMap<>(Map.of("countries", "de, fr", "securityTier", "3",
                "connectivityTier", "2", "where", "vram>=80", "ports", "8888, 9000/udp", "env", "A=1\n\nB=two=2"));
        fields.putAll(Map.of("secretEnv", "TOKEN=s3", "registryUser", "me", "registryToken", "tok", "diskGb", "50",
                "layout", "pack", "entrypoint", "/bin/sh"));
        DeployRequest request = form(fields).deploy();

        assertThat(request.gpu()).isEqualTo("H100");
        assertThat(request.cpu()).isNull();
        assertThat(request.gpusPerDevice()).isEqualTo(8);
        assertThat(request.count()).isEqualTo(2);
        assertThat(request.hours()).isEqualTo(72);
        assertThat(request.where()).isEqualTo("vram>=80 country in DE,FR security>=3 connectivity>=2");
        assertThat(request.layout()).isEqualTo("pack");
        assertThat(request.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "two=2"));
        assertThat(request.container().ports()).containsExactly("8888", "9000/udp");
        assertThat(request.container().secretEnv()).containsExactly(Map.entry("TOKEN", "s3"));
        assertThat(request.container().registryAuth().username()).isEqualTo("me");
        assertThat(request.container().diskGb()).isEqualTo(50);
        assertThat(request.container().entrypoint()).isEqualTo("/bin/sh");
    }

    @Test
    void aProcessOnCpuDevicesHasNoContainerAndTheQuoteAsksTheSameShape() {
        DeployForm process = form(Map.of("hardware", "cpu", "type", "process", "cmd", "echo hi"));

        assertThat(process.deploy().container()).isNull();
        assertThat(process.deploy().cpu()).isTrue();
        assertThat(process.deploy().gpu()).isNull();
        assertThat(process.quote().cpu()).isTrue();
        assertThat(process.quote().hours()).isEqualTo(72);
    }

    @Test
    void theRecoveryFrameworkSshKeysAndAllMatchingDevicesReachTheRequest() {
        DeployRequest request = form(Map.of("count", "all", "framework", "torch", "onDeviceLoss", "fail",
                "restart", "on-failure:3", "sshKeys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ you@laptop\n\n")).deploy();

        assertThat(request.count()).isNull();
        assertThat(request.countAll()).isTrue();
        assertThat(request.framework()).isEqualTo("torch");
        assertThat(request.onDeviceLoss()).isEqualTo("fail");
        assertThat(request.restart()).isEqualTo("on-failure:3");
        assertThat(request.container().sshKeys()).containsExactly("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ you@laptop");
        assertThat(form(Map.of("count", "all")).quote().count()).as("priced per device").isEqualTo(1);
        assertThat(form(Map.of()).deploy().countAll()).isNull();
    }

    @Test
    void whatTheFormCannotReadIsRefusedWithoutQuotingASecret() {
        assertThatThrownBy(() -> form(Map.of("count", "two")).deploy()).isInstanceOf(Refusal.class)
                .hasMessage("devices must be a whole number, not 'two'");
        assertThatThrownBy(() -> form(Map.of("duration", "999999999", "durationUnit", "weeks")).deploy())
                .isInstanceOf(Refusal.class).hasMessageContaining("the duration must be 1 hour to 365 days");
        assertThatThrownBy(() -> form(Map.of("secretEnv", "A=1\nhunter2")).deploy()).isInstanceOf(Refusal.class)
                .hasMessage("each secret variable is a line NAME=VALUE; line 2 is not");
        assertThatThrownBy(() -> form(Map.of("durationUnit", "months")).deploy()).isInstanceOf(Refusal.class);
    }

    @Test
    void aFormShownAgainHoldsNoSecret() {
        DeployForm again = form(Map.of("secretEnv", "TOKEN=s3", "registryToken", "tok", "registryUser", "me"))
                .withoutSecrets();

        assertThat(again.secretEnv()).isEmpty();
        assertThat(again.registryToken()).isEmpty();
        assertThat(again.registryUser()).isEqualTo("me");
    }
}
