// hipforge/device_gpu.hpp — the GPU side of device.hpp (included by it; do not include directly).
//
// Two ways in:
//   - freestanding (`-nogpuinc -nogpulib`): nothing from ROCm is visible, so the HIP kernel language is spelled here
//     from clang's attributes and AMDGPU builtins;
//   - against a real ROCm install: the driver force-includes clang's __clang_hip_runtime_wrapper.h and puts ROCm's
//     include directory on the path; we then include hip/hip_runtime.h, which defines the whole kernel language, and
//     define none of it ourselves. (Under -nogpuinc the wrapper is absent, so a stray /usr/include/hip is ignored.)
#pragma once

#if !defined(__HIP__)
#  error "device_gpu.hpp is for HIP compilation (-x hip); define HIPFORGE_EMULATOR for the host build"
#endif

#if !defined(HIP_INCLUDE_HIP_HIP_RUNTIME_H) && defined(__CLANG_HIP_RUNTIME_WRAPPER_H__)
#  if __has_include(<hip/hip_runtime.h>)
// ROCm < 6.2 headers read __AMDGCN_WAVEFRONT_SIZE, which clang 22 no longer predefines.
#    if !defined(__AMDGCN_WAVEFRONT_SIZE)
#      if defined(__GFX9__)
#        define __AMDGCN_WAVEFRONT_SIZE 64
#      else
#        define __AMDGCN_WAVEFRONT_SIZE 32
#      endif
#    endif
#    include <hip/hip_runtime.h>
#  endif
#endif
#if defined(HIP_INCLUDE_HIP_HIP_RUNTIME_H)
#  define HIPFORGE_HAVE_HIP_RUNTIME_HEADERS 1
#endif

#if !defined(HIPFORGE_HAVE_HIP_RUNTIME_HEADERS)

// clang's HIP wrapper (present without -nogpuinc even when no ROCm is found) defines these five the same way.
#  if !defined(__global__)
#    define __global__ __attribute__((global))
#    define __device__ __attribute__((device))
#    define __host__ __attribute__((host))
#    define __shared__ __attribute__((shared))
#    define __constant__ __attribute__((constant))
#  endif
// HIP's meaning: the block never has more than `n` threads (the backend bounds registers by it); the optional second
// argument asks for at least `w` waves per SIMD (execution unit).
#  define HF_LAUNCH_BOUNDS_1(n) __attribute__((amdgpu_flat_work_group_size(1, n)))
#  define HF_LAUNCH_BOUNDS_2(n, w) __attribute__((amdgpu_flat_work_group_size(1, n), amdgpu_waves_per_eu(w)))
#  define HF_LAUNCH_BOUNDS_PICK(_1, _2, name, ...) name
#  define __launch_bounds__(...) \
    HF_LAUNCH_BOUNDS_PICK(__VA_ARGS__, HF_LAUNCH_BOUNDS_2, HF_LAUNCH_BOUNDS_1, unused)(__VA_ARGS__)
#  define HIP_DYNAMIC_SHARED(type, name) extern __attribute__((shared)) type name[];

struct dim3 {
  uint32_t x, y, z;
  __host__ __device__ constexpr dim3(uint32_t x_ = 1, uint32_t y_ = 1, uint32_t z_ = 1) : x(x_), y(y_), z(z_) {}
};

// threadIdx.x and friends: zero-size objects whose members are properties read through the builtins, the way
// clang's own CUDA/HIP headers do it (clang accepts __declspec(property) in HIP mode).
#  define HF_BUILTIN_INDEX_VAR(Type, X, Y, Z)                                                                    \
    struct Type {                                                                                                \
      __declspec(property(get = get_x)) uint32_t x;                                                              \
      __declspec(property(get = get_y)) uint32_t y;                                                              \
      __declspec(property(get = get_z)) uint32_t z;                                                              \
      static __device__ __attribute__((always_inline)) uint32_t get_x() { return X; }                            \
      static __device__ __attribute__((always_inline)) uint32_t get_y() { return Y; }                            \
      static __device__ __attribute__((always_inline)) uint32_t get_z() { return Z; }                            \
      __device__ operator dim3() const { return dim3(get_x(), get_y(), get_z()); }                               \
    };

namespace hf::gpu_detail {
HF_BUILTIN_INDEX_VAR(ThreadIdx, __builtin_amdgcn_workitem_id_x(), __builtin_amdgcn_workitem_id_y(),
                     __builtin_amdgcn_workitem_id_z())
HF_BUILTIN_INDEX_VAR(BlockIdx, __builtin_amdgcn_workgroup_id_x(), __builtin_amdgcn_workgroup_id_y(),
                     __builtin_amdgcn_workgroup_id_z())
HF_BUILTIN_INDEX_VAR(BlockDim, __builtin_amdgcn_workgroup_size_x(), __builtin_amdgcn_workgroup_size_y(),
                     __builtin_amdgcn_workgroup_size_z())
// HIP grids are whole blocks, so the grid size in work-items divides exactly.
HF_BUILTIN_INDEX_VAR(GridDim, __builtin_amdgcn_grid_size_x() / __builtin_amdgcn_workgroup_size_x(),
                     __builtin_amdgcn_grid_size_y() / __builtin_amdgcn_workgroup_size_y(),
                     __builtin_amdgcn_grid_size_z() / __builtin_amdgcn_workgroup_size_z())
}  // namespace hf::gpu_detail
#  undef HF_BUILTIN_INDEX_VAR

static constexpr __device__ hf::gpu_detail::ThreadIdx threadIdx{};
static constexpr __device__ hf::gpu_detail::BlockIdx blockIdx{};
static constexpr __device__ hf::gpu_detail::BlockDim blockDim{};
static constexpr __device__ hf::gpu_detail::GridDim gridDim{};

// A workgroup barrier that also orders LDS and global memory for the workgroup, as HIP's __syncthreads does.
static __device__ __attribute__((always_inline)) inline void __syncthreads() {
  __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");
  __builtin_amdgcn_s_barrier();
  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");
}

#  define __forceinline__ inline __attribute__((always_inline))
#  define __noinline__ __attribute__((noinline))
#  define HIP_DYNAMIC_SHARED_ATTRIBUTE

#  if defined(__GFX9__)
static constexpr int warpSize = 64;
#  else
static constexpr int warpSize = 32;
#  endif

static __device__ __forceinline__ void __threadfence() { __builtin_amdgcn_fence(__ATOMIC_SEQ_CST, "agent"); }
static __device__ __forceinline__ void __threadfence_block() { __builtin_amdgcn_fence(__ATOMIC_SEQ_CST, "workgroup"); }

// HIP's device-scope relaxed atomics (the same set device_emu.hpp provides), on clang's __hip_atomic builtins.
template <class T>
static __device__ __forceinline__ T atomicAdd(T* p, T v) {
  return __hip_atomic_fetch_add(p, v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
}
template <class T>
static __device__ __forceinline__ T atomicMax(T* p, T v) {
  return __hip_atomic_fetch_max(p, v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
}
template <class T>
static __device__ __forceinline__ T atomicMin(T* p, T v) {
  return __hip_atomic_fetch_min(p, v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
}
template <class T>
static __device__ __forceinline__ T atomicExch(T* p, T v) {
  return __hip_atomic_exchange(p, v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
}
template <class T>
static __device__ __forceinline__ T atomicCAS(T* p, T expected, T desired) {
  __hip_atomic_compare_exchange_strong(p, &expected, desired, __ATOMIC_RELAXED, __ATOMIC_RELAXED,
                                       __HIP_MEMORY_SCOPE_AGENT);
  return expected;
}

#endif  // !HIPFORGE_HAVE_HIP_RUNTIME_HEADERS

// HF_EXPORT on the GPU emits nothing; it checks what the ABI promises (docs/kernel-abi.md §1): one params struct,
// passed by value, plain data — the Rust side copies its bytes into the kernel argument segment.
// HF_DYNAMIC_LDS on the GPU: a 4-byte constant in the code object's .rodata under a fixed symbol name, read by
// hipforge::isa (ELF symbol table) without running anything.
#define HF_DYNAMIC_LDS(name, bytes)                                                                             \
  static_assert((bytes) > 0 && (bytes) <= 160 * 1024, #name ": dynamic LDS must be 1 .. 160 KiB");              \
  extern "C" __device__ __attribute__((used, visibility("default"))) const unsigned int hf_dynamic_lds__##name = \
      (bytes);

#define HF_EXPORT(name, Params)                                                                                  \
  static_assert(__is_trivially_copyable(Params), #Params " must be plain data (trivially copyable)");            \
  static_assert(__is_same(decltype(&name), void (*)(Params)), #name " must take exactly one " #Params " by value");
