// Runs CUDA kernels on the CPU for a test, where no GPU is lent: every block in turn, each with
// all of its threads at once as operating-system threads, so that __syncthreads and shared
// memory behave as on a GPU. Slow, and only for the small sizes the test uses.
#include <barrier>
#include <cstdint>
#include <thread>
#include <vector>

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline std::barrier<>* blockBarrier;

#define __global__
#define __device__
#define __shared__ static
#define __forceinline__ inline
#define __launch_bounds__(threads)
#define __align__(bytes) __attribute__((aligned(bytes)))

inline void __syncthreads() {
    blockBarrier->arrive_and_wait();
}

struct __attribute__((aligned(16))) uint4 {
    unsigned int x, y, z, w;
};

inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return static_cast<unsigned long long>((static_cast<unsigned __int128>(a) * b) >> 64);
}

inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) {
    return uint4{x, y, z, w};
}

template <class Kernel, class... Arguments>
void launch(dim3 grid, dim3 block, Kernel kernel, Arguments... arguments) {
    gridDim = grid;
    blockDim = block;
    for (unsigned int by = 0; by < grid.y; by++) {
        for (unsigned int bx = 0; bx < grid.x; bx++) {
            std::barrier<> barrier(block.x * block.y);
            blockBarrier = &barrier;
            std::vector<std::thread> threads;
            for (unsigned int ty = 0; ty < block.y; ty++) {
                for (unsigned int tx = 0; tx < block.x; tx++) {
                    threads.emplace_back([=] {
                        blockIdx = dim3{bx, by, 1};
                        threadIdx = dim3{tx, ty, 1};
                        kernel(arguments...);
                    });
                }
            }
            for (std::thread& thread : threads) {
                thread.join();
            }
        }
    }
}
