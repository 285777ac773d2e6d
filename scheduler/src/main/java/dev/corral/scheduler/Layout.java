package dev.corral.scheduler;

/**
 * How a cluster's devices should sit relative to each other. PACK prefers one region and, in
 * it, as few suppliers (data centers) as possible, for tightly coupled training; SPREAD
 * prefers as many suppliers as possible, so one supplier going down takes few ranks; ANY
 * takes the best-scored devices wherever they are.
 */
public enum Layout {
    ANY, PACK, SPREAD
}
