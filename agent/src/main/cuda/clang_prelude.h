// What nvcc's headers would define, for compiling challenge.cu with clang's NVPTX back end
// and no CUDA toolkit (scripts/build-challenge-ptx.sh). nvcc needs none of it.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __launch_bounds__(threads) __attribute__((launch_bounds(threads)))
#define __align__(bytes) __attribute__((aligned(bytes)))
#include <__clang_cuda_builtin_vars.h>

struct __attribute__((aligned(16))) uint4 {
    unsigned int x, y, z, w;
};

__device__ inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) {
    uint4 v = {x, y, z, w};
    return v;
}

__device__ inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return __nvvm_mulhi_ull(a, b);
}
