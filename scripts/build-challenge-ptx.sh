#!/usr/bin/env bash
# Rebuilds the GPU challenge kernels' PTX that the agent ships, from agent/src/main/cuda/challenge.cu,
# with clang's NVPTX back end (no CUDA toolkit needed: apt-get install clang-19). Run it after
# changing challenge.cu and commit the result; ChallengeKernelEmulatedOnCpuTest checks the source.
#
# PTX ISA 7.0 for compute capability 7.5: any card from the T4 (Turing) on, with any driver from
# CUDA 11.0 (R450) on, compiles it when the agent loads it. Older cards compute on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang-19}
OUT=agent/src/main/resources/dev/corral/agent/challenge.ptx
mkdir -p "$(dirname "$OUT")"
"$CLANG" -x cuda --cuda-device-only --cuda-gpu-arch=sm_75 --cuda-feature=+ptx70 -nocudainc -nocudalib -O3 \
    -Wno-unknown-cuda-version -include agent/src/main/cuda/clang_prelude.h -S agent/src/main/cuda/challenge.cu \
    -o "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes) with $("$CLANG" --version | head -1)"
