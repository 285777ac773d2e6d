package dev.corral.core;

/** The runtimes an agent can run a rank in, by the name agents declare and deploys ask for. */
public final class Runtimes {
    /** A rank as a plain process of the agent's user: for trusted set-ups only. */
    public static final String PROCESS = "process";
    /** Not a runtime for ranks: the agent's GPU challenge engine runs on CUDA, so its GPUs can prove themselves. */
    public static final String CUDA = "cuda";

    private Runtimes() {}
}
