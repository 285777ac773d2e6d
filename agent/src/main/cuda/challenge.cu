// The availability challenge on an NVIDIA GPU: the same A, B and C = A x B modulo 2^31 - 1
// as dev.corral.proofs.MatrixChallenge computes on the CPU, bit for bit.
//
// Matrices are n x n entries held in row-major buffers of width `width` (n rounded up to
// TILE); the padding is zero so the product kernel needs no bounds checks and the padded
// entries of C are never read. The agent loads the PTX that scripts/build-challenge-ptx.sh
// makes from this file (with clang and clang_prelude.h; nvcc compiles it as it is), so a
// supplier needs the NVIDIA driver and nothing else. ChallengeKernelEmulatedOnCpuTest runs it
// under a CPU emulation of CUDA (agent/src/test/cuda) against the Java path.

#define MODULUS 0x7FFFFFFFu
#define TILE 64        // a block computes a TILE x TILE tile of C
#define K_STEP 16      // columns of A (rows of B) staged in shared memory at a time
#define THREADS 16     // a block is THREADS x THREADS threads, each computing 4 x 4 entries

// An entry of A or B: SplitMix64's finaliser of the seed, the matrix's tag and the position,
// then the unsigned remainder modulo the prime (MatrixChallenge.entry).
extern "C" __global__ void fill(unsigned int* matrix, unsigned long long seed, unsigned long long tag, int n,
                                int width) {
    long long total = (long long) width * width;
    for (long long p = blockIdx.x * (long long) blockDim.x + threadIdx.x; p < total;
         p += (long long) gridDim.x * blockDim.x) {
        int i = (int) (p / width);
        int j = (int) (p % width);
        if (i >= n || j >= n) {
            matrix[p] = 0;
            continue;
        }
        unsigned long long position = (unsigned long long) i * n + j;
        unsigned long long z = seed ^ (tag * 0x9E3779B97F4A7C15ull) ^ (position * 0xBF58476D1CE4E5B9ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        matrix[p] = (unsigned int) (z % MODULUS);
    }
}

// x mod 2^31 - 1 for x < 2^62 (2^31 is 1 modulo the prime): MatrixChallenge.reduce.
__device__ __forceinline__ unsigned int reduce(unsigned long long x) {
    unsigned long long r = (x & MODULUS) + (x >> 31);
    r = (r & MODULUS) + (r >> 31);
    return (unsigned int) (r >= MODULUS ? r - MODULUS : r);
}

// Rows [firstRow, firstRow + gridDim.y * TILE) of C. Each product of two entries (below
// 2^62) is folded to below 2^32 before it is added, so a 64-bit sum of up to 2^14 of them
// cannot overflow; the sum is reduced once at the end.
extern "C" __global__ void __launch_bounds__(THREADS * THREADS)
multiply(const unsigned int* a, const unsigned int* b, unsigned int* c, int width, int firstRow) {
    __shared__ __align__(16) unsigned int aTile[K_STEP][TILE + 4];  // aTile[k][i] = A[row0 + i][k0 + k]
    __shared__ __align__(16) unsigned int bTile[K_STEP][TILE];      // bTile[k][j] = B[k0 + k][col0 + j]
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int thread = ty * THREADS + tx;
    long long row0 = firstRow + (long long) blockIdx.y * TILE;
    long long col0 = (long long) blockIdx.x * TILE;
    unsigned long long sum[4][4] = {};
    for (int k0 = 0; k0 < width; k0 += K_STEP) {
        for (int l = thread; l < TILE * K_STEP; l += THREADS * THREADS) {
            int i = l / K_STEP;
            int k = l % K_STEP;
            aTile[k][i] = a[(row0 + i) * width + k0 + k];
        }
        for (int l = thread; l < TILE * K_STEP; l += THREADS * THREADS) {
            int k = l / TILE;
            int j = l % TILE;
            bTile[k][j] = b[(k0 + k) * (long long) width + col0 + j];
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < K_STEP; k++) {
            uint4 aValues = *reinterpret_cast<const uint4*>(&aTile[k][ty * 4]);
            uint4 bValues = *reinterpret_cast<const uint4*>(&bTile[k][tx * 4]);
            unsigned int av[4] = {aValues.x, aValues.y, aValues.z, aValues.w};
            unsigned int bv[4] = {bValues.x, bValues.y, bValues.z, bValues.w};
#pragma unroll
            for (int r = 0; r < 4; r++) {
#pragma unroll
                for (int s = 0; s < 4; s++) {
                    unsigned long long product = (unsigned long long) av[r] * bv[s];
                    sum[r][s] += (unsigned int) (product & MODULUS) + (unsigned int) (product >> 31);
                }
            }
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        uint4 out = make_uint4(reduce(sum[r][0]), reduce(sum[r][1]), reduce(sum[r][2]), reduce(sum[r][3]));
        *reinterpret_cast<uint4*>(&c[(row0 + ty * 4 + r) * width + col0 + tx * 4]) = out;
    }
}

// The memory part (dev.corral.proofs.MemoryWalk): a table filling most of the card's memory,
// then walks reading it at random.
#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull
#define MIX_1 0xBF58476D1CE4E5B9ull
#define MIX_2 0x94D049BB133111EBull
#define TAG_ITEM 0x4Dull
#define TAG_WALKER 0x57ull

// SplitMix64's finaliser: MemoryWalk.mix.
__device__ __forceinline__ unsigned long long mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * MIX_1;
    z = (z ^ (z >> 27)) * MIX_2;
    return z ^ (z >> 31);
}

// Items [first, first + count) of the table, each `rounds` rounds from the seed and its index:
// MemoryWalk.item.
extern "C" __global__ void memoryFill(unsigned long long* table, unsigned long long seed, long long first,
                                      long long count, int rounds) {
    for (long long p = blockIdx.x * (long long) blockDim.x + threadIdx.x; p < count;
         p += (long long) gridDim.x * blockDim.x) {
        unsigned long long index = first + p;
        unsigned long long z = seed ^ (TAG_ITEM * GOLDEN_GAMMA) ^ (index * MIX_1);
        for (int round = 0; round < rounds; round++) {
            z = mix(z + GOLDEN_GAMMA);
        }
        table[index] = z;
    }
}

// Walkers [first, first + count), one a thread, started from `seed` (the walk seed, drawn once
// the table was filled); walker first + w leaves its final state in states[w]. Each step reads
// the item the state points at (the high half of state x items) and mixes it in: MemoryWalk.walk.
extern "C" __global__ void memoryWalk(const unsigned long long* table, unsigned long long* states,
                                      unsigned long long seed, long long items, int steps, long long first,
                                      int count) {
    int w = blockIdx.x * blockDim.x + threadIdx.x;
    if (w >= count) {
        return;
    }
    unsigned long long walker = first + w;
    unsigned long long state = mix(seed ^ (TAG_WALKER * GOLDEN_GAMMA) ^ (walker * MIX_1));
    for (int step = 0; step < steps; step++) {
        state = mix(state ^ table[__umul64hi(state, (unsigned long long) items)]);
    }
    states[w] = state;
}
