// benches/emu/emulator_bench.cpp — what the emulator costs on the host CPU (numbers are host CPU time, not GPU
// figures): fiber switch, block barrier, checker hook per access, and emulated MFMA throughput. Built and run by
// benches/emulator.rs (with and without the checkers' instrumentation, to isolate the hook cost).
#include <stdio.h>
#include <stdlib.h>

#include <chrono>

#include "hipforge/device.hpp"

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Each thread yields `n` times: every yield is two fiber switches (to the scheduler and back).
__global__ void yields(int n) {
  for (int i = 0; i < n; ++i) __builtin_amdgcn_s_sleep(1);
}
__global__ void barriers(int n) {
  for (int i = 0; i < n; ++i) __syncthreads();
}
// Streams global memory: `reps` passes over a per-thread slice (every load is one instrumented 4-byte access).
__global__ void stream_sum(const float* x, float* out, int per_thread, int reps) {
  const float* p = x + (blockIdx.x * blockDim.x + threadIdx.x) * per_thread;
  float s = 0;
  for (int r = 0; r < reps; ++r)
    for (int i = 0; i < per_thread; ++i) s += p[i] * float(r + 1);
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

// A K loop of 16x16 MFMAs per wave (operands kept in registers).
__global__ void mfma_loop(float* out, int iters) {
  typedef float v4f __attribute__((ext_vector_type(4)));
  v4f acc = {0, 0, 0, 0};
#if defined(__gfx950__)
  typedef __bf16 v8y __attribute__((ext_vector_type(8)));
  v8y a, b;
  for (int i = 0; i < 8; ++i) {
    a[i] = (__bf16)(float(threadIdx.x % 7) * 0.25f);
    b[i] = (__bf16)(float(i) * 0.5f);
  }
  for (int it = 0; it < iters; ++it) acc = __builtin_amdgcn_mfma_f32_16x16x32_bf16(a, b, acc, 0, 0, 0);
#else
  typedef short v4s __attribute__((ext_vector_type(4)));
  v4s a, b;
  for (int i = 0; i < 4; ++i) {
    a[i] = short(0x3e80 + threadIdx.x % 7);
    b[i] = short(0x3f00 + i);
  }
  for (int it = 0; it < iters; ++it) acc = __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(a, b, acc, 0, 0, 0);
#endif
  out[blockIdx.x * blockDim.x + threadIdx.x] = acc[0] + acc[1] + acc[2] + acc[3];
}

static void require_ok(const hf::emu::Report& r, const char* what) {
  if (!r.ok()) {
    fprintf(stderr, "%s: %s\n", what, r.faults.empty() ? "suppressed faults" : r.faults[0].message.c_str());
    exit(1);
  }
}

int main(int argc, char** argv) {
  const char* variant = argc > 1 ? argv[1] : "instrumented";
  printf("emulator bench, gfx%d, %s build (host CPU time; not a GPU figure)\n", hf::emu::arch(), variant);

  {
    const int blocks = 8, threads = 512, n = 200;
    hf::emu::launch(yields, dim3(1), dim3(64), 0, 1);  // warm up the pool
    double t0 = now();
    require_ok(hf::emu::launch(yields, dim3(blocks), dim3(threads), 0, n), "yields");
    double t = now() - t0;
    printf("fiber switch:        %.1f ns per switch (%d blocks x %d threads x %d yields, 2 switches each)\n",
           t / (2.0 * blocks * threads * n) * 1e9, blocks, threads, n);
  }
  {
    const int blocks = 8, threads = 512, n = 200;
    double t0 = now();
    require_ok(hf::emu::launch(barriers, dim3(blocks), dim3(threads), 0, n), "barriers");
    double t = now() - t0;
    printf("block barrier:       %.1f ns per thread per __syncthreads (512-thread blocks)\n",
           t / (double(blocks) * threads * n) * 1e9);
  }
  {
    const int blocks = 16, threads = 256, per = 1024, reps = 8;
    size_t n = size_t(blocks) * threads * per;
    float* x = static_cast<float*>(hf::emu::malloc(n * sizeof(float)));
    float* out = static_cast<float*>(hf::emu::malloc(size_t(blocks) * threads * sizeof(float)));
    for (size_t i = 0; i < n; ++i) x[i] = float(i % 13);
    require_ok(hf::emu::launch(stream_sum, dim3(blocks), dim3(threads), 0, x, out, per, 1), "stream warm-up");
    double t0 = now();
    require_ok(hf::emu::launch(stream_sum, dim3(blocks), dim3(threads), 0, x, out, per, reps), "stream");
    double t = now() - t0;
    printf("global load:         %.2f ns per 4-byte load (%zu loads)\n", t / (double(n) * reps) * 1e9,
           n * size_t(reps));
    hf::emu::free(x);
    hf::emu::free(out);
  }
  {
    const int blocks = 8, threads = 256, iters = 200;  // 4 waves per block
    float* out = static_cast<float*>(hf::emu::malloc(size_t(blocks) * threads * sizeof(float)));
    double t0 = now();
    require_ok(hf::emu::launch(mfma_loop, dim3(blocks), dim3(threads), 0, out, iters), "mfma");
    double t = now() - t0;
    int k = hf::emu::arch() == 950 ? 32 : 16;
    double flops = 2.0 * 16 * 16 * k * iters * (threads / 64) * blocks;
    printf("emulated MFMA:       %.3f GFLOP/s (16x16x%d bf16, %d waves x %d MFMAs, %.2f us per MFMA)\n",
           flops / t * 1e-9, k, blocks * threads / 64, iters, t / (double(blocks) * threads / 64 * iters) * 1e6);
    hf::emu::free(out);
  }
  return 0;
}
