package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engines' own words for a failed pull (Docker Engine 24-27, Podman 4), read as the customer's problem. */
class ImageProblemTest {
    @Test
    void dockerAndPodmanWordingsAreReadAsTheProblemTheyMean() {
        assertThat(ImageProblem.of("manifest for ghcr.io/org/app:9 not found: manifest unknown: manifest unknown"))
                .isEqualTo(ImageProblem.NOT_FOUND);
        assertThat(ImageProblem.of("initializing source docker://quay.io/org/app:9: reading manifest 9 in "
                + "quay.io/org/app: manifest unknown")).isEqualTo(ImageProblem.NOT_FOUND);
        assertThat(ImageProblem.of("pull access denied for nosuchimage, repository does not exist or may require "
                + "'docker login': denied: requested access to the resource is denied"))
                .isEqualTo(ImageProblem.NOT_FOUND_OR_PRIVATE);
        assertThat(ImageProblem.of("Head \"https://ghcr.io/v2/org/private/manifests/1\": unauthorized"))
                .isEqualTo(ImageProblem.NOT_AUTHORISED);
        assertThat(ImageProblem.of("Error response from daemon: repository nosuch does not exist or may require "
                + "authorization")).isEqualTo(ImageProblem.NOT_FOUND_OR_PRIVATE);
        assertThat(ImageProblem.of("no matching manifest for linux/amd64 in the manifest list entries"))
                .isEqualTo(ImageProblem.OTHER_PLATFORM);
        assertThat(ImageProblem.of("choosing an image from manifest list docker://org/arm-only:1: no image found in "
                + "manifest list for architecture amd64, variant \"\", OS linux")).isEqualTo(ImageProblem.OTHER_PLATFORM);
        assertThat(ImageProblem.of("pinging container registry localhost:1: Get \"https://localhost:1/v2/\": dial tcp "
                + "127.0.0.1:1: connect: connection refused")).isEqualTo(ImageProblem.REGISTRY_UNREACHABLE);
        assertThat(ImageProblem.of("Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: "
                + "no such host")).isEqualTo(ImageProblem.REGISTRY_UNREACHABLE);
        assertThat(ImageProblem.of("something new")).isEqualTo(ImageProblem.OTHER);
    }

    @Test
    void theDescriptionNamesTheImageTheProblemAndTheEnginesFirstLine() {
        assertThat(ImageProblem.describe("ghcr.io/org/app:9", "manifest unknown\nmore detail"))
                .isEqualTo("image ghcr.io/org/app:9 cannot be pulled: it was not found: check its name and tag "
                        + "(manifest unknown)");
    }
}
