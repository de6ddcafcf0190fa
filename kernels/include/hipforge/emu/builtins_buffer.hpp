// hipforge/emu/builtins_buffer.hpp — buffer resources and raw buffer loads/stores on the host, per lane.
//
// Range check (the hardware's num_records check for a raw buffer, stride 0): the byte offset is
// voffset + soffset + inst_offset, all unsigned 32-bit, added without wrap-around. An access wider than 4 bytes is
// checked one dword at a time, an access of 1, 2 or 4 bytes as a whole; a piece [o, o + n) is in range iff
// o + n <= num_records. Out-of-range pieces of a load read as 0; out-of-range pieces of a store are dropped (LLVM
// AMDGPUUsage "relaxed buffer OOB mode", the HSA default). num_records is the descriptor's 32-bit field (the
// builtin's 64-bit argument is truncated as the hardware field is). A non-zero stride is reported as misuse: no
// kernel here uses structured buffers. In-range accesses go through the checkers (global_oob etc.) like any load.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <cstring>
#include <string>

#include "hipforge/emu/wave.hpp"

namespace hf::emu::detail {
void check_access(const volatile void* p, size_t bytes, bool is_write, bool is_atomic);  // device_emu.hpp
// kernels/emu/lds_dma.cpp: counts one vector-memory op of the current lane (vmcnt), and queues an LDS DMA write that
// lands when the lane's s_waitcnt / release fence lets it (device_emu.hpp `vmem_wait`, `lds_dma_drain`).
void vmem_issue();
void lds_dma_defer(void* dst, const void* data, unsigned size);
// Counts one wave's LDS DMA write for the bank statistics (lane l of `mask` writes `size` bytes at lds + l * stride),
// sited at file:line (kernels/emu/lds_dma.cpp).
void lds_dma_banks(const void* lds, unsigned stride, unsigned size, uint64_t mask, const char* file, int line);
}

/// The host stand-in of clang's opaque AMDGPU buffer resource type (a 128-bit V# on the GPU).
struct __amdgpu_buffer_rsrc_t {
  char* base;
  uint32_t num_records;
  short stride;
  int flags;
};

namespace hf::emu::bt {

typedef unsigned v2u __attribute__((__vector_size__(8)));
typedef unsigned v3u __attribute__((ext_vector_type(3)));
typedef unsigned v4u __attribute__((__vector_size__(16)));

// Copies without instrumentation; the caller reports the access to the checkers itself (exactly once).
__attribute__((no_sanitize("coverage"))) inline void raw_copy(void* dst, const void* src, size_t n) {
  std::memcpy(dst, src, n);
}

inline bool buffer_ok(const __amdgpu_buffer_rsrc_t& r, const char* what) {
  if (r.stride != 0) {
    fault("fault", std::string(what) + ": buffer resource with non-zero stride " +
                                std::to_string(r.stride) + " (only raw buffers are emulated)");
    return false;
  }
  return true;
}

// Offset of the access, in 64-bit so a sum past 2^32 is out of range instead of wrapping.
inline uint64_t buffer_offset(int voffset, int soffset, int inst_offset) {
  return uint64_t(uint32_t(voffset)) + uint64_t(uint32_t(soffset)) + uint64_t(uint32_t(inst_offset));
}

// Calls piece(mem_offset, byte_in_value, bytes, in_range) for every checked piece of an n-byte access.
template <class F>
inline void for_each_piece(const __amdgpu_buffer_rsrc_t& r, uint64_t off, int n, F&& piece) {
  const int step = n > 4 ? 4 : n;
  for (int p = 0; p < n; p += step) {
    const uint64_t o = off + uint64_t(p);
    piece(o, p, step, o + uint64_t(step) <= uint64_t(r.num_records));
  }
}

inline void buffer_load(const __amdgpu_buffer_rsrc_t& r, int voffset, int soffset, int inst_offset, void* out, int n,
                        const char* what) {
  std::memset(out, 0, size_t(n));
  detail::vmem_issue();
  if (!buffer_ok(r, what)) return;
  for_each_piece(r, buffer_offset(voffset, soffset, inst_offset), n, [&](uint64_t o, int p, int bytes, bool in) {
    if (!in) return;
    detail::check_access(r.base + o, size_t(bytes), false, false);
    raw_copy(static_cast<char*>(out) + p, r.base + o, size_t(bytes));
  });
}

inline void buffer_store(const __amdgpu_buffer_rsrc_t& r, int voffset, int soffset, int inst_offset, const void* in,
                         int n, const char* what) {
  detail::vmem_issue();
  if (!buffer_ok(r, what)) return;
  for_each_piece(r, buffer_offset(voffset, soffset, inst_offset), n, [&](uint64_t o, int p, int bytes, bool ok) {
    if (!ok) return;
    detail::check_access(r.base + o, size_t(bytes), true, false);
    raw_copy(r.base + o, static_cast<const char*>(in) + p, size_t(bytes));
  });
}

}  // namespace hf::emu::bt

inline __amdgpu_buffer_rsrc_t __builtin_amdgcn_make_buffer_rsrc(void* base, short stride, long num_records,
                                                                int flags) {
  return __amdgpu_buffer_rsrc_t{static_cast<char*>(base), uint32_t(uint64_t(num_records)), stride, flags};
}

inline unsigned char __builtin_amdgcn_raw_buffer_load_b8(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  unsigned char v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 1, "raw_buffer_load_b8");
  return v;
}
inline unsigned short __builtin_amdgcn_raw_buffer_load_b16(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  unsigned short v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 2, "raw_buffer_load_b16");
  return v;
}
inline unsigned __builtin_amdgcn_raw_buffer_load_b32(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  unsigned v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 4, "raw_buffer_load_b32");
  return v;
}
inline hf::emu::bt::v2u __builtin_amdgcn_raw_buffer_load_b64(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  hf::emu::bt::v2u v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 8, "raw_buffer_load_b64");
  return v;
}
inline hf::emu::bt::v3u __builtin_amdgcn_raw_buffer_load_b96(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  hf::emu::bt::v3u v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 12, "raw_buffer_load_b96");
  return v;
}
inline hf::emu::bt::v4u __builtin_amdgcn_raw_buffer_load_b128(__amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  hf::emu::bt::v4u v;
  (void)aux;
  hf::emu::bt::buffer_load(r, vo, so, 0, &v, 16, "raw_buffer_load_b128");
  return v;
}

inline void __builtin_amdgcn_raw_buffer_store_b8(unsigned char v, __amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 1, "raw_buffer_store_b8");
}
inline void __builtin_amdgcn_raw_buffer_store_b16(unsigned short v, __amdgpu_buffer_rsrc_t r, int vo, int so,
                                                  int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 2, "raw_buffer_store_b16");
}
inline void __builtin_amdgcn_raw_buffer_store_b32(unsigned v, __amdgpu_buffer_rsrc_t r, int vo, int so, int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 4, "raw_buffer_store_b32");
}
inline void __builtin_amdgcn_raw_buffer_store_b64(hf::emu::bt::v2u v, __amdgpu_buffer_rsrc_t r, int vo, int so,
                                                  int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 8, "raw_buffer_store_b64");
}
inline void __builtin_amdgcn_raw_buffer_store_b96(hf::emu::bt::v3u v, __amdgpu_buffer_rsrc_t r, int vo, int so,
                                                  int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 12, "raw_buffer_store_b96");
}
inline void __builtin_amdgcn_raw_buffer_store_b128(hf::emu::bt::v4u v, __amdgpu_buffer_rsrc_t r, int vo, int so,
                                                   int aux) {
  (void)aux;
  hf::emu::bt::buffer_store(r, vo, so, 0, &v, 16, "raw_buffer_store_b128");
}

// Buffer → LDS without registers (LDS DMA; docs/emulator-builtins.md "LDS DMA" has the sources). A wave-level
// instruction: the resource, soffset and LDS base (M0) are scalar, so all must be wave-uniform (a "fault" otherwise;
// the lowest active lane's values are used). Lane L loads `size` bytes (1, 2, 4; gfx950 also 12, 16) at
// voffset + soffset + offset, range-checked like any buffer load (out of range: zeros), and writes them to
// LDS at lds + offset + L * (size <= 4 ? 4 : 16). The write does not happen now: it lands when this lane's
// s_waitcnt vmcnt / a release fence lets it (kernels/emu/lds_dma.cpp), so a missing wait reads stale LDS.
namespace hf::emu::bt {
struct LdsDmaArg {
  __amdgpu_buffer_rsrc_t r;
  char* lds;
  unsigned size;
  int voffset, soffset, offset;
};
}  // namespace hf::emu::bt

// The two trailing parameters (not in clang's builtin) name the call site for the LDS bank statistics.
inline void __builtin_amdgcn_raw_ptr_buffer_load_lds(__amdgpu_buffer_rsrc_t r, void* lds, unsigned size, int voffset,
                                                     int soffset, int offset, int aux,
                                                     const char* site_file = __builtin_FILE(),
                                                     int site_line = __builtin_LINE()) {
  (void)aux;
  using hf::emu::bt::LdsDmaArg;
  const LdsDmaArg arg{r, static_cast<char*>(lds), size, voffset, soffset, offset};
  hf::emu::wave_collective<int>(
      "raw_ptr_buffer_load_lds", arg, [site_file, site_line](const LdsDmaArg* a, int*, uint64_t mask) {
        const int first = __builtin_ctzll(mask);
        const LdsDmaArg& u = a[first];
#if defined(__gfx950__)
        const bool size_ok = u.size == 1 || u.size == 2 || u.size == 4 || u.size == 12 || u.size == 16;
#else
        const bool size_ok = u.size == 1 || u.size == 2 || u.size == 4;
#endif
        if (!size_ok) {
          hf::emu::fault("fault", "raw_ptr_buffer_load_lds: size " + std::to_string(u.size) +
                                      " not supported on this arch (1, 2, 4; gfx950 also 12, 16)");
          return;
        }
        for (int l = first + 1; l < 64; ++l) {
          if (!(mask >> l & 1)) continue;
          const LdsDmaArg& o = a[l];
          const char* what = o.lds != u.lds             ? "LDS pointer (M0)"
                             : o.r.base != u.r.base ||
                                       o.r.num_records != u.r.num_records
                                 ? "buffer resource"
                             : o.soffset != u.soffset ? "soffset"
                                                      : nullptr;
          if (what) {
            hf::emu::acting_lane(l);
            hf::emu::fault("fault", std::string("raw_ptr_buffer_load_lds: ") + what + " is not wave-uniform (lane " +
                                        std::to_string(l) + " differs from lane " + std::to_string(first) +
                                        "); the hardware takes one value per wave");
            break;
          }
        }
        const size_t stride = u.size <= 4 ? 4 : 16;
        for (int l = first; l < 64; ++l) {
          if (!(mask >> l & 1)) continue;
          hf::emu::acting_lane(l);
          unsigned char tmp[16];
          hf::emu::bt::buffer_load(u.r, a[l].voffset, u.soffset, u.offset, tmp, int(u.size),
                                   "raw_ptr_buffer_load_lds");
          hf::emu::detail::lds_dma_defer(u.lds + u.offset + size_t(l) * stride, tmp, u.size);
        }
        hf::emu::acting_lane(first);
        hf::emu::detail::lds_dma_banks(u.lds + u.offset, unsigned(stride), u.size, mask, site_file, site_line);
      });
}
