// The challenge kernels run under emulation.h, launched as CudaChallengeEngine launches them
// (bands of rows, zero-padded width); prints C's n x n entries, one row per line.
// Usage: emulate_challenge SEED N BAND_ROWS   (SEED unsigned decimal, BAND_ROWS a multiple of TILE)
#include "emulation.h"
#include "../../main/cuda/challenge.cu"
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s SEED N BAND_ROWS\n", argv[0]);
        return 2;
    }
    unsigned long long seed = std::strtoull(argv[1], nullptr, 10);
    int n = std::atoi(argv[2]);
    int band = std::atoi(argv[3]);
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
