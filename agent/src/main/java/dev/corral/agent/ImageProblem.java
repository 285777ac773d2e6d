package dev.corral.agent;

import java.util.List;
import java.util.Locale;

/**
 * Why a rank's image could not be had, in a customer's words, read from what the engine said
 * (Docker's and Podman's wordings). Pure.
 */
enum ImageProblem {
    NOT_FOUND_OR_PRIVATE("it was not found, or it is private: check its name and tag",
            List.of("does not exist or may require")),
    NOT_AUTHORISED("the registry refused it: a private image needs credentials",
            List.of("unauthorized", "authentication required", "access denied", "denied: ", "forbidden")),
    NOT_FOUND("it was not found: check its name and tag",
            List.of("manifest unknown", "not found", "name unknown", "no such image", "image not known")),
    OTHER_PLATFORM("it is not built for this device's platform",
            List.of("no matching manifest", "no image found in manifest list", "does not match the specified platform",
                    "exec format error")),
    REGISTRY_UNREACHABLE("its registry cannot be reached from the device",
            List.of("connection refused", "no such host", "i/o timeout", "network is unreachable", "dial tcp",
                    "tls: ", "server misbehaving")),
    OTHER("the engine could not pull it", List.of());

    private final String meaning;
    private final List<String> signs;

    ImageProblem(String meaning, List<String> signs) {
        this.meaning = meaning;
        this.signs = signs;
    }

    /** The problem the engine's message shows; the first whose sign it holds, in declaration order. */
    static ImageProblem of(String engineMessage) {
        String text = engineMessage == null ? "" : engineMessage.toLowerCase(Locale.ROOT);
        for (ImageProblem problem : values()) {
            if (problem.signs.stream().anyMatch(text::contains)) {
                return problem;
            }
        }
        return OTHER;
    }

    /** What a customer reads: the image, what the problem means, and the engine's own words. */
    static String describe(String image, String engineMessage) {
        return "image " + image + " cannot be pulled: " + of(engineMessage).meaning + " ("
                + ContainerEngine.firstLine(engineMessage) + ")";
    }
}
