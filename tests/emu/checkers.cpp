// tests/emu/checkers.cpp — each checker against a kernel that plants its bug, and a clean twin that must pass.
// The kernels are plain HIP (static __shared__, HIP_DYNAMIC_SHARED, raw pointers), not the project's helpers.
#include <string.h>

#include <string>

#include "check.hpp"
#include "hipforge/device.hpp"

using hf::emu::Report;

static std::string first(const Report& r) {
  return r.faults.empty() ? std::string("(no fault)") : r.faults[0].kind + ": " + r.faults[0].message;
}
static bool mentions(const Report& r, const char* kind, const char* text) {
  for (const hf::emu::Fault& f : r.faults)
    if (f.kind == kind && f.message.find(text) != std::string::npos) return true;
  return false;
}

// ---- lds_race ------------------------------------------------------------------------------------------------------
// Each thread reads its neighbour's slot, with or without the barrier between the writes and the reads.
template <bool kBarrier>
__global__ void neighbour_static(float* out) {
  __shared__ float s[256];
  int t = threadIdx.x;
  s[t] = float(t);
  if (kBarrier) __syncthreads();
  out[t] = s[(t + 64) % 256];  // the neighbour is in another wave
}

template <bool kBarrier>
__global__ void neighbour_dynamic(float* out) {
  HIP_DYNAMIC_SHARED(float, s)
  int t = threadIdx.x;
  s[t] = float(t);
  if (kBarrier) __syncthreads();
  out[t] = s[(t + 64) % 256];
}

// Write after read: reads in one interval, the overwrite must wait for a barrier.
template <bool kBarrier>
__global__ void overwrite_after_read(float* out) {
  HIP_DYNAMIC_SHARED(float, s)
  int t = threadIdx.x;
  s[t] = 1.0f;
  __syncthreads();
  float v = s[255 - t];
  if (kBarrier) __syncthreads();
  s[t] = v + 1.0f;
  out[t] = v;
}

// Two threads of different waves write the same word (no read at all).
__global__ void write_write(int* out) {
  __shared__ int flag;
  if (threadIdx.x == 3 || threadIdx.x == 100) flag = int(threadIdx.x);
  __syncthreads();
  out[threadIdx.x] = flag;
}

// Inside one wave: lanes exchange through LDS; ordered only by the wave-level sync.
template <bool kWaveSync>
__global__ void lane_exchange(int* out) {
  __shared__ int s[64];
  int l = threadIdx.x;
  s[l] = l * 10;
  if (kWaveSync) __builtin_amdgcn_wave_barrier();
  out[l] = s[63 - l];
}

// Byte granularity: neighbouring lanes write neighbouring bytes of one word: no race.
__global__ void byte_stores(uint8_t* out) {
  __shared__ uint8_t s[256];
  int t = threadIdx.x;
  s[t] = uint8_t(t);
  __syncthreads();
  out[t] = s[t ^ 1];
}

// Atomics on LDS never race.
__global__ void lds_atomic_count(int* out) {
  __shared__ int count;
  if (threadIdx.x == 0) count = 0;
  __syncthreads();
  atomicAdd(&count, 1);
  __syncthreads();
  if (threadIdx.x == 0) out[blockIdx.x] = count;
}

// Static LDS used only when asked: a first launch that never touches it lets the next run blocks in parallel,
// which must then be reported when they do touch it.
__global__ void static_when_asked(int* out, int use) {
  __shared__ int s[64];
  out[blockIdx.x * 64 + threadIdx.x] = 0;
  if (!use) return;
  s[threadIdx.x] = int(threadIdx.x);
  __syncthreads();
  out[blockIdx.x * 64 + threadIdx.x] = s[63 - threadIdx.x];
}

// ---- global_oob ----------------------------------------------------------------------------------------------------
__global__ void copy_n(const float* x, float* y, int n, int read_shift) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i + read_shift];
}
__global__ void store_at(float* y, long offset) {
  if (threadIdx.x == 0) y[offset] = 1.0f;
}

// ---- lds_oob -------------------------------------------------------------------------------------------------------
__global__ void dynamic_index(int* out, int shift) {
  HIP_DYNAMIC_SHARED(int, s)
  int t = threadIdx.x;
  s[t] = t;
  __syncthreads();
  out[t] = s[t + shift];
}

// ---- barrier_divergence --------------------------------------------------------------------------------------------
__global__ void barrier_in_branch(int* out) {
  __shared__ int s[128];
  s[threadIdx.x] = 1;
  if (threadIdx.x < 32) __syncthreads();
  out[threadIdx.x] = s[threadIdx.x];
}
__global__ void exit_then_barrier(int* out, int n) {
  if (int(threadIdx.x) >= n) return;
  __syncthreads();
  out[threadIdx.x] = 1;
}
__global__ void collective_in_branch(int* out) {
  int v = 0;
  if (threadIdx.x % 64 < 40) v = hf::emu::wave_collective<int>("test_half_wave", 1, [](const int*, int* r, uint64_t) {
    for (int l = 0; l < 64; ++l) r[l] = 7;
  });
  out[threadIdx.x] = v;
}
__global__ void two_collectives(int* out) {
  int v;
  if (threadIdx.x % 2)
    v = hf::emu::wave_collective<int>("test_odd", 1, [](const int*, int* r, uint64_t) {
      for (int l = 0; l < 64; ++l) r[l] = 1;
    });
  else
    v = hf::emu::wave_collective<int>("test_even", 1, [](const int*, int* r, uint64_t) {
      for (int l = 0; l < 64; ++l) r[l] = 2;
    });
  out[threadIdx.x] = v;
}

template <class T>
T* dev(size_t n) {
  return static_cast<T*>(hf::emu::malloc(n * sizeof(T)));
}

int main() {
  float* fo = dev<float>(4096);
  int* io = dev<int>(4096);

  HF_SECTION("lds_race: static __shared__, read of another wave's write without a barrier");
  {
    Report bad = hf::emu::launch(neighbour_static<false>, dim3(2), dim3(256), 0, fo);
    HF_CHECK(bad.count("lds_race") > 0 && mentions(bad, "lds_race", "static __shared__"), "%s", first(bad).c_str());
    HF_CHECK(mentions(bad, "lds_race", "block (0,0,0)") && mentions(bad, "lds_race", "block (1,0,0)"),
             "every block must report its race: %s", first(bad).c_str());
    Report good = hf::emu::launch(neighbour_static<true>, dim3(2), dim3(256), 0, fo);
    HF_CHECK(good.ok(), "%s", first(good).c_str());
    int wrong = 0;
    for (int t = 0; t < 256; ++t) wrong += fo[t] != float((t + 64) % 256);
    HF_CHECK(wrong == 0, "%d wrong values in the clean kernel", wrong);
  }

  HF_SECTION("lds_race: dynamic LDS, read-after-write and write-after-read");
  {
    Report bad = hf::emu::launch(neighbour_dynamic<false>, dim3(1), dim3(256), 1024, fo);
    HF_CHECK(mentions(bad, "lds_race", "dynamic LDS offset"), "%s", first(bad).c_str());
    Report good = hf::emu::launch(neighbour_dynamic<true>, dim3(1), dim3(256), 1024, fo);
    HF_CHECK(good.ok(), "%s", first(good).c_str());
    Report war = hf::emu::launch(overwrite_after_read<false>, dim3(1), dim3(256), 1024, fo);
    HF_CHECK(mentions(war, "lds_race", "write of 4 byte(s)"), "%s", first(war).c_str());
    Report war_ok = hf::emu::launch(overwrite_after_read<true>, dim3(1), dim3(256), 1024, fo);
    HF_CHECK(war_ok.ok(), "%s", first(war_ok).c_str());
  }

  HF_SECTION("lds_race: write-write between waves names both threads");
  {
    Report bad = hf::emu::launch(write_write, dim3(1), dim3(128), 0, io);
    HF_CHECK(mentions(bad, "lds_race", "thread (100,0,0)") && mentions(bad, "lds_race", "a write by thread (3,0,0)"),
             "%s", first(bad).c_str());
  }

  HF_SECTION("lds_race: within one wave, ordered only by the wave-level sync");
  {
    Report bad = hf::emu::launch(lane_exchange<false>, dim3(1), dim3(64), 0, io);
    HF_CHECK(mentions(bad, "lds_race", "wave-level sync"), "%s", first(bad).c_str());
    Report good = hf::emu::launch(lane_exchange<true>, dim3(1), dim3(64), 0, io);
    HF_CHECK(good.ok(), "%s", first(good).c_str());
    int wrong = 0;
    for (int l = 0; l < 64; ++l) wrong += io[l] != (63 - l) * 10;
    HF_CHECK(wrong == 0, "%d wrong values after wave_sync", wrong);
  }

  HF_SECTION("lds_race: byte-granular, no false positive on neighbouring bytes; atomics do not race");
  {
    uint8_t* bo = dev<uint8_t>(256);
    Report r = hf::emu::launch(byte_stores, dim3(1), dim3(256), 0, bo);
    HF_CHECK(r.ok(), "%s", first(r).c_str());
    int wrong = 0;
    for (int t = 0; t < 256; ++t) wrong += bo[t] != uint8_t(t ^ 1);
    HF_CHECK(wrong == 0);
    r = hf::emu::launch(lds_atomic_count, dim3(3), dim3(320), 0, io);
    HF_CHECK(r.ok(), "%s", first(r).c_str());
    HF_CHECK(io[0] == 320 && io[1] == 320 && io[2] == 320, "counts %d %d %d", io[0], io[1], io[2]);
    hf::emu::free(bo);
  }

  HF_SECTION("static __shared__ first used in a later launch: reported, not silently shared");
  {
    Report r = hf::emu::launch(static_when_asked, dim3(4), dim3(64), 0, io, 0);
    HF_CHECK(r.ok(), "%s", first(r).c_str());
    r = hf::emu::launch(static_when_asked, dim3(4), dim3(64), 0, io, 1);
    HF_CHECK(mentions(r, "fault", "no earlier launch of this kernel touched static LDS"), "%s", first(r).c_str());
  }

  HF_SECTION("global_oob: one past the end, before the start, after free; clean twin");
  {
    const int n = 1000;
    float* x = dev<float>(n);
    float* y = dev<float>(n);
    Report good = hf::emu::launch(copy_n, dim3(4), dim3(256), 0, x, y, n, 0);
    HF_CHECK(good.ok(), "%s", first(good).c_str());
    Report past = hf::emu::launch(copy_n, dim3(4), dim3(256), 0, x, y, n, 1);
    HF_CHECK(past.count("global_oob") == 1 && mentions(past, "global_oob", "past the end of the 4000-byte"),
             "exactly the last thread reads one past the end: %zu faults, %s", past.faults.size(),
             first(past).c_str());
    HF_CHECK(mentions(past, "global_oob", "thread (231,0,0)") && mentions(past, "global_oob", "block (3,0,0)"),
             "%s", first(past).c_str());
    Report before = hf::emu::launch(store_at, dim3(1), dim3(64), 0, y, -1L);
    HF_CHECK(mentions(before, "global_oob", "write of 4 byte(s)") && mentions(before, "global_oob", "before the"),
             "%s", first(before).c_str());
    hf::emu::free(x);
    Report freed = hf::emu::launch(copy_n, dim3(4), dim3(256), 0, x, y, n, 0);
    HF_CHECK(mentions(freed, "global_oob", "freed"), "%s", first(freed).c_str());
    HF_CHECK(freed.suppressed > 0, "1000 faulting reads must be capped, not all listed");
    hf::emu::free(y);
  }

  HF_SECTION("lds_oob: past the dynamic size and before its start; clean twin");
  {
    Report good = hf::emu::launch(dynamic_index, dim3(1), dim3(128), 128 * 4, io, 0);
    HF_CHECK(good.ok(), "%s", first(good).c_str());
    Report past = hf::emu::launch(dynamic_index, dim3(1), dim3(128), 128 * 4, io, 1);
    HF_CHECK(past.count("lds_oob") == 1 && mentions(past, "lds_oob", "offset 512"), "%s", first(past).c_str());
    Report neg = hf::emu::launch(dynamic_index, dim3(1), dim3(128), 128 * 4, io, -3);
    HF_CHECK(mentions(neg, "lds_oob", "offset -12"), "%s", first(neg).c_str());
  }

  HF_SECTION("barrier_divergence: barrier in a branch, exit before a barrier, partial collectives; no hang");
  {
    Report r = hf::emu::launch(barrier_in_branch, dim3(2), dim3(128), 0, io);
    HF_CHECK(r.count("barrier_divergence") == 2 && mentions(r, "barrier_divergence", "reached by 32 of 128"),
             "%s", first(r).c_str());
    r = hf::emu::launch(exit_then_barrier, dim3(1), dim3(128), 0, io, 100);
    HF_CHECK(mentions(r, "barrier_divergence", "100-127 exited"), "%s", first(r).c_str());
    r = hf::emu::launch(exit_then_barrier, dim3(1), dim3(128), 0, io, 128);
    HF_CHECK(r.ok(), "%s", first(r).c_str());
    r = hf::emu::launch(collective_in_branch, dim3(1), dim3(128), 0, io);
    HF_CHECK(mentions(r, "barrier_divergence", "test_half_wave"), "%s", first(r).c_str());
    r = hf::emu::launch(two_collectives, dim3(1), dim3(64), 0, io);
    HF_CHECK(mentions(r, "barrier_divergence", "test_odd") || mentions(r, "barrier_divergence", "test_even"), "%s",
             first(r).c_str());
  }

  HF_SECTION("reports are deterministic and in block order");
  {
    Report a = hf::emu::launch(neighbour_static<false>, dim3(16), dim3(256), 0, fo);
    Report b = hf::emu::launch(neighbour_static<false>, dim3(16), dim3(256), 0, fo);
    bool same = a.faults.size() == b.faults.size() && a.suppressed == b.suppressed;
    for (size_t i = 0; same && i < a.faults.size(); ++i) same = a.faults[i].message == b.faults[i].message;
    HF_CHECK(same, "two runs gave different reports");
    HF_CHECK(a.faults.size() > 1 && mentions(a, "lds_race", "block (0,0,0)") &&
                 a.faults.front().message.rfind("block (0,0,0)", 0) == 0 &&
                 a.faults.back().message.rfind("block (0,0,0)", 0) != 0,
             "first fault: %s", first(a).c_str());
  }

  hf::emu::free(fo);
  hf::emu::free(io);
  return hf::test::summary();
}
