package dev.corral.core;

/** The runtimes an agent can run a rank in, by the name agents declare and deploys ask for. */
public final class Runtimes {
    /**
     * A rank in a container of the customer's image, through the Docker Engine API (Docker, or
     * Podman's compatible service), isolated from the supplier's machine: the default.
     */
    public static final String CONTAINER = "container";
    /** A rank as a plain process of the agent's user: for trusted set-ups only. */
    public static final String PROCESS = "process";
    /**
     * Not a runtime for ranks: declared when the agent computes challenges on its GPU with CUDA.
     * Only then is a challenge sized for the claimed GPU; otherwise for the claimed CPU cores.
     */
    public static final String CUDA = "cuda";

    private Runtimes() {}
}
