// The challenge kernels run under emulation.h, launched as CudaChallengeEngine launches them.
// Usage:
//   emulate_challenge SEED N BAND_ROWS
//     the product (bands of rows, zero-padded width); prints C's n x n entries, one row per line
//     (BAND_ROWS a multiple of TILE)
//   emulate_challenge memory SEED WALK_SEED ITEMS ROUNDS WALKERS STEPS FILL_ITEMS_PER_LAUNCH WALKERS_PER_LAUNCH
//     the memory part (the table filled from SEED and walked from WALK_SEED in launches of those
//     sizes); prints every walker's final state, one a line
// Seeds are unsigned decimal.
#include "emulation.h"
#include "../../main/cuda/challenge.cu"
#include <cstdio>
#include <cstdlib>
#include <cstring>

static int product(unsigned long long seed, int n, int band) {
    int width = (n + TILE - 1) / TILE * TILE;
    std::vector<unsigned int> a(static_cast<size_t>(width) * width, 7), b(a.size(), 7), c(a.size(), 7);
    // A small grid: fill strides over the whole matrix, so any grid must give the same entries.
    launch(dim3{3, 1, 1}, dim3{32, 1, 1}, fill, a.data(), seed, 0x41ull, n, width);
    launch(dim3{3, 1, 1}, dim3{32, 1, 1}, fill, b.data(), seed, 0x42ull, n, width);
    for (int first = 0; first < n; first += band) {
        int rows = width - first < band ? width - first : band;
        launch(dim3{static_cast<unsigned>(width / TILE), static_cast<unsigned>(rows / TILE), 1},
               dim3{THREADS, THREADS, 1}, multiply, a.data(), b.data(), c.data(), width, first);
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            std::printf(j == 0 ? "%u" : " %u", c[static_cast<size_t>(i) * width + j]);
        }
        std::printf("\n");
    }
    return 0;
}

static int memory(unsigned long long seed, unsigned long long walkSeed, long long items, int rounds, int walkers,
                  int steps, long long fillBatch, int walkBatch) {
    std::vector<unsigned long long> table(items, 7), states(walkBatch, 7);
    for (long long first = 0; first < items; first += fillBatch) {
        long long count = items - first < fillBatch ? items - first : fillBatch;
        launch(dim3{3, 1, 1}, dim3{32, 1, 1}, memoryFill, table.data(), seed, first, count, rounds);
    }
    const unsigned threads = 32;
    for (int first = 0; first < walkers; first += walkBatch) {
        int count = walkers - first < walkBatch ? walkers - first : walkBatch;
        launch(dim3{(count + threads - 1) / threads, 1, 1}, dim3{threads, 1, 1}, memoryWalk,
               static_cast<const unsigned long long*>(table.data()), states.data(), walkSeed, items, steps,
               static_cast<long long>(first), count);
        for (int w = 0; w < count; w++) {
            std::printf("%llu\n", states[w]);
        }
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4) {
        return product(std::strtoull(argv[1], nullptr, 10), std::atoi(argv[2]), std::atoi(argv[3]));
    }
    if (argc == 10 && std::strcmp(argv[1], "memory") == 0) {
        return memory(std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10), std::atoll(argv[4]),
                      std::atoi(argv[5]), std::atoi(argv[6]), std::atoi(argv[7]), std::atoll(argv[8]),
                      std::atoi(argv[9]));
    }
    std::fprintf(stderr,
                 "usage: %s SEED N BAND_ROWS | memory SEED WALK_SEED ITEMS ROUNDS WALKERS STEPS FILL_BATCH WALK_BATCH\n",
                 argv[0]);
    return 2;
}
