// tests/emu/runtime_basic.cpp — the emulator's execution model on clean kernels: coordinates, partial waves, blocks
// in parallel, barriers with static and dynamic LDS, wave collectives, HF_EXPORT + the C ABI, launch refusals.
#include <string.h>

#include <vector>

#include "check.hpp"
#include "hipforge/device.hpp"

// Plain HIP: one element per thread, 1-D.
__global__ void scale_index(int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = 3 * i;
}

// Every thread records its coordinates (3-D block and grid).
__global__ void coords(uint32_t* out) {
  uint32_t block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  uint32_t thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  uint32_t per_block = blockDim.x * blockDim.y * blockDim.z;
  uint32_t* o = out + 4 * (block * per_block + thread);
  o[0] = threadIdx.x | threadIdx.y << 8 | threadIdx.z << 16;
  o[1] = blockIdx.x | blockIdx.y << 8 | blockIdx.z << 16;
  o[2] = __builtin_amdgcn_workitem_id_x() | __builtin_amdgcn_workgroup_id_y() << 8;
  o[3] = uint32_t(hf::emu::lane_id()) | uint32_t(hf::emu::wave_id()) << 8;
}

// Tree reduction in static __shared__ memory, one partial sum per block.
__global__ void block_sum_static(const float* x, float* sums) {
  __shared__ float part[256];
  int t = threadIdx.x;
  part[t] = x[blockIdx.x * 256 + t];
  __syncthreads();
  for (int s = 128; s > 0; s >>= 1) {
    if (t < s) part[t] += part[t + s];
    __syncthreads();
  }
  if (t == 0) sums[blockIdx.x] = part[0];
}

// Reverses each block's slice through dynamic LDS.
__global__ void reverse_dynamic(const int* x, int* y) {
  HIP_DYNAMIC_SHARED(int, buf)
  int t = threadIdx.x, n = blockDim.x;
  buf[t] = x[blockIdx.x * n + t];
  __syncthreads();
  y[blockIdx.x * n + t] = buf[n - 1 - t];
}

// A collective built on wave_collective: every lane gets the sum over the active lanes, plus the active mask.
struct SumMask {
  int sum;
  uint64_t mask;
};
__global__ void wave_sum(int* out_sum, uint64_t* out_mask) {
  int tid = threadIdx.x;
  SumMask r = hf::emu::wave_collective<SumMask>("test_wave_sum", tid + 1,
                                                 [](const int* args, SumMask* res, uint64_t mask) {
                                                   int s = 0;
                                                   for (int l = 0; l < 64; ++l) s += args[l];  // absent lanes: 0
                                                   for (int l = 0; l < 64; ++l) res[l] = SumMask{s, mask};
                                                 });
  out_sum[blockIdx.x * blockDim.x + tid] = r.sum;
  out_mask[blockIdx.x * blockDim.x + tid] = r.mask;
}

// The project's style: one params struct by value, exported by name.
namespace hf {
struct AxpyParams {
  uint64_t x, y;
  float a;
  uint32_t n;
};
}  // namespace hf
extern "C" __global__ __launch_bounds__(256) void hf_test_axpy(const hf::AxpyParams p) {
  uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  const float* x = reinterpret_cast<const float*>(p.x);
  float* y = reinterpret_cast<float*>(p.y);
  if (i < p.n) y[i] = p.a * x[i] + y[i];
}
HF_EXPORT(hf_test_axpy, hf::AxpyParams)

// Declares its dynamic LDS: 64 floats per block.
extern "C" __global__ __launch_bounds__(64) void hf_test_lds_reverse(const hf::AxpyParams p) {
  HIP_DYNAMIC_SHARED(float, lds)
  const float* x = reinterpret_cast<const float*>(p.x);
  float* y = reinterpret_cast<float*>(p.y);
  lds[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  y[threadIdx.x] = lds[63 - threadIdx.x];
}
HF_EXPORT(hf_test_lds_reverse, hf::AxpyParams)
HF_DYNAMIC_LDS(hf_test_lds_reverse, 64 * sizeof(float))

#define HF_C_ABI_CAT_(a, b, c) a##b##c
#define HF_C_ABI_CAT(a, b, c) HF_C_ABI_CAT_(a, b, c)
#define HF_C_ABI(name) HF_C_ABI_CAT(hf_emu_gfx, HIPFORGE_EMU_ARCH, name)
extern "C" void* HF_C_ABI(_malloc)(size_t);
extern "C" void HF_C_ABI(_free)(void*);
extern "C" int HF_C_ABI(_launch)(const char*, const unsigned[3], const unsigned[3], size_t, const void*, size_t, char*,
                                 size_t);

template <class T>
T* dev(size_t n) {
  return static_cast<T*>(hf::emu::malloc(n * sizeof(T)));
}

int main() {
  HF_SECTION("1-D grid with a partial last wave and a partial last block");
  {
    const int n = 1000;
    int* out = dev<int>(1024);
    for (int i = 0; i < 1024; ++i) out[i] = -1;
    hf::emu::Report r = hf::emu::launch(scale_index, dim3(10), dim3(100), 0, out, n);
    HF_CHECK(r.ok(), "%zu faults, first: %s", r.faults.size(), r.faults.empty() ? "" : r.faults[0].message.c_str());
    int bad = 0;
    for (int i = 0; i < n; ++i) bad += out[i] != 3 * i;
    for (int i = n; i < 1024; ++i) bad += out[i] != -1;
    HF_CHECK(bad == 0, "%d wrong elements", bad);
    hf::emu::free(out);
  }

  HF_SECTION("3-D coordinates, lane and wave ids");
  {
    dim3 grid(3, 2, 2), block(16, 4, 2);  // 128 threads: two waves
    uint32_t per_block = 128, blocks = 12;
    uint32_t* out = dev<uint32_t>(4 * per_block * blocks);
    hf::emu::Report r = hf::emu::launch(coords, grid, block, 0, out);
    HF_CHECK(r.ok());
    int bad = 0;
    for (uint32_t bz = 0; bz < 2; ++bz)
      for (uint32_t by = 0; by < 2; ++by)
        for (uint32_t bx = 0; bx < 3; ++bx)
          for (uint32_t tz = 0; tz < 2; ++tz)
            for (uint32_t ty = 0; ty < 4; ++ty)
              for (uint32_t tx = 0; tx < 16; ++tx) {
                uint32_t b = bx + 3 * (by + 2 * bz), t = tx + 16 * (ty + 4 * tz);
                const uint32_t* o = out + 4 * (b * per_block + t);
                bad += o[0] != (tx | ty << 8 | tz << 16);
                bad += o[1] != (bx | by << 8 | bz << 16);
                bad += o[2] != (tx | by << 8);
                bad += o[3] != ((t % 64) | (t / 64) << 8);
              }
    HF_CHECK(bad == 0, "%d wrong coordinates", bad);
    hf::emu::free(out);
  }

  HF_SECTION("barriers and static __shared__: per-block tree reduction over many blocks");
  {
    const int blocks = 300;
    float* x = dev<float>(blocks * 256);
    float* sums = dev<float>(blocks);
    for (int i = 0; i < blocks * 256; ++i) x[i] = float(i % 7);
    for (int rep = 0; rep < 2; ++rep) {  // twice: static LDS is reused by the next blocks on each host thread
      hf::emu::Report r = hf::emu::launch(block_sum_static, dim3(blocks), dim3(256), 0, x, sums);
      HF_CHECK(r.ok(), "%s", r.faults.empty() ? "" : r.faults[0].message.c_str());
      int bad = 0;
      for (int b = 0; b < blocks; ++b) {
        float want = 0;
        for (int t = 0; t < 256; ++t) want += float((b * 256 + t) % 7);
        bad += sums[b] != want;
      }
      HF_CHECK(bad == 0, "%d wrong block sums", bad);
    }
    hf::emu::free(x);
    hf::emu::free(sums);
  }

  HF_SECTION("dynamic LDS");
  {
    const int blocks = 7, n = 192;
    int* x = dev<int>(blocks * n);
    int* y = dev<int>(blocks * n);
    for (int i = 0; i < blocks * n; ++i) x[i] = i * 5 + 1;
    hf::emu::Report r = hf::emu::launch(reverse_dynamic, dim3(blocks), dim3(n), n * sizeof(int), x, y);
    HF_CHECK(r.ok(), "%s", r.faults.empty() ? "" : r.faults[0].message.c_str());
    int bad = 0;
    for (int b = 0; b < blocks; ++b)
      for (int t = 0; t < n; ++t) bad += y[b * n + t] != x[b * n + n - 1 - t];
    HF_CHECK(bad == 0, "%d wrong elements", bad);
    hf::emu::free(x);
    hf::emu::free(y);
  }

  HF_SECTION("wave_collective: full and partial waves");
  {
    const int n = 100;  // wave 0: 64 lanes, wave 1: 36 lanes
    int* sums = dev<int>(2 * n);
    uint64_t* masks = dev<uint64_t>(2 * n);
    hf::emu::Report r = hf::emu::launch(wave_sum, dim3(2), dim3(n), 0, sums, masks);
    HF_CHECK(r.ok());
    int bad = 0;
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < n; ++t) {
        int wave = t / 64, lanes = wave == 0 ? 64 : 36;
        int want = 0;
        for (int l = 0; l < lanes; ++l) want += wave * 64 + l + 1;
        uint64_t want_mask = lanes == 64 ? ~uint64_t(0) : (uint64_t(1) << lanes) - 1;
        bad += sums[b * n + t] != want;
        bad += masks[b * n + t] != want_mask;
      }
    HF_CHECK(bad == 0, "%d wrong collective results", bad);
    hf::emu::free(sums);
    hf::emu::free(masks);
  }

  HF_SECTION("HF_EXPORT: launch by name and through the C ABI");
  {
    const uint32_t n = 777;
    float* x = dev<float>(n);
    float* y = dev<float>(n);
    for (uint32_t i = 0; i < n; ++i) {
      x[i] = float(i);
      y[i] = 1.0f;
    }
    hf::AxpyParams p{reinterpret_cast<uint64_t>(x), reinterpret_cast<uint64_t>(y), 2.0f, n};
    hf::emu::Report r = hf::emu::launch_by_name("hf_test_axpy", dim3((n + 255) / 256), dim3(256), 0, &p, sizeof p);
    HF_CHECK(r.ok());
    int bad = 0;
    for (uint32_t i = 0; i < n; ++i) bad += y[i] != 2.0f * float(i) + 1.0f;
    HF_CHECK(bad == 0, "%d wrong elements after launch_by_name", bad);

    char buf[512];
    unsigned grid[3] = {(n + 255) / 256, 1, 1}, block[3] = {256, 1, 1};
    int code = HF_C_ABI(_launch)("hf_test_axpy", grid, block, 0, &p, sizeof p, buf, sizeof buf);
    HF_CHECK(code == 0, "code %d: %s", code, buf);
    bad = 0;
    for (uint32_t i = 0; i < n; ++i) bad += y[i] != 4.0f * float(i) + 1.0f;
    HF_CHECK(bad == 0, "%d wrong elements after the C ABI launch", bad);

    code = HF_C_ABI(_launch)("hf_no_such_kernel", grid, block, 0, &p, sizeof p, buf, sizeof buf);
    HF_CHECK(code == 2 && strstr(buf, "hf_no_such_kernel"), "code %d: %s", code, buf);
    code = HF_C_ABI(_launch)("hf_test_axpy", grid, block, 0, &p, sizeof p - 4, buf, sizeof buf);
    HF_CHECK(code == 3 && strstr(buf, "bytes"), "code %d: %s", code, buf);
    unsigned big[3] = {1025, 1, 1};
    code = HF_C_ABI(_launch)("hf_test_axpy", grid, big, 0, &p, sizeof p, buf, sizeof buf);
    HF_CHECK(code == 4 && strstr(buf, "1024"), "code %d: %s", code, buf);
    // A tiny buffer truncates, NUL-terminated.
    char tiny[8];
    code = HF_C_ABI(_launch)("hf_test_axpy", grid, big, 0, &p, sizeof p, tiny, sizeof tiny);
    HF_CHECK(code == 4 && strlen(tiny) == 7, "code %d", code);

    void* m = HF_C_ABI(_malloc)(100);
    HF_CHECK(m != nullptr && reinterpret_cast<uintptr_t>(m) % 256 == 0);
    int zero = 1;
    for (int i = 0; i < 100; ++i) zero &= static_cast<unsigned char*>(m)[i] == 0;
    HF_CHECK(zero, "malloc'd memory is not zeroed");
    HF_C_ABI(_free)(m);
    hf::emu::free(x);
    hf::emu::free(y);
  }

  HF_SECTION("launch refusals: block size, LDS size, empty grid");
  {
    int* out = dev<int>(16);
    hf::emu::Report r = hf::emu::launch(scale_index, dim3(1), dim3(32, 32, 2), 0, out, 0);
    HF_CHECK(r.count("launch_refused") == 1 && r.faults[0].message.find("2048 threads") != std::string::npos,
             "%s", r.faults.empty() ? "no fault" : r.faults[0].message.c_str());
    r = hf::emu::launch(scale_index, dim3(1), dim3(1024), 0, out, 0);
    HF_CHECK(r.ok(), "1024 threads must be accepted");
    size_t limit = hf::emu::arch() == 942 ? 65536 : 163840;
    HF_CHECK(hf::emu::lds_limit() == limit);
    r = hf::emu::launch(scale_index, dim3(1), dim3(64), limit, out, 0);
    HF_CHECK(r.ok(), "the arch's whole LDS must be accepted");
    r = hf::emu::launch(scale_index, dim3(1), dim3(64), limit + 1, out, 0);
    HF_CHECK(r.count("launch_refused") == 1, "LDS over the arch's size must be refused");
    r = hf::emu::launch(scale_index, dim3(0), dim3(64), 0, out, 0);
    HF_CHECK(r.count("launch_refused") == 1, "an empty grid must be refused");
    hf::emu::free(out);
  }

  HF_SECTION("HF_DYNAMIC_LDS: a launch with less than the declared dynamic LDS is refused");
  {
    float* x = dev<float>(64);
    float* y = dev<float>(64);
    for (int i = 0; i < 64; ++i) x[i] = float(i);
    hf::AxpyParams p{reinterpret_cast<uint64_t>(x), reinterpret_cast<uint64_t>(y), 0.0f, 64};
    hf::emu::Report r = hf::emu::launch_by_name("hf_test_lds_reverse", dim3(1), dim3(64), 255, &p, sizeof p);
    HF_CHECK(r.count("launch_refused") == 1 && r.faults[0].message.find("declares 256") != std::string::npos,
             "%s", r.faults.empty() ? "no fault" : r.faults[0].message.c_str());
    HF_CHECK(y[0] == 0.0f, "a refused launch must not run");
    r = hf::emu::launch_by_name("hf_test_lds_reverse", dim3(1), dim3(64), 256, &p, sizeof p);
    HF_CHECK(r.ok(), "%s", r.faults.empty() ? "" : r.faults[0].message.c_str());
    int bad = 0;
    for (int i = 0; i < 64; ++i) bad += y[i] != float(63 - i);
    HF_CHECK(bad == 0, "%d wrong elements with the declared LDS", bad);
    hf::emu::free(x);
    hf::emu::free(y);
  }
  return hf::test::summary();
}
