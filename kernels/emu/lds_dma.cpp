// kernels/emu/lds_dma.cpp — when the LDS writes of buffer->LDS loads (LDS DMA) land.
//
// On CDNA a `buffer_load_* ... lds` is a vector-memory op: its LDS write completes some time after issue and the
// wave learns of it only through vmcnt (s_waitcnt vmcnt(N): at most N of the wave's vector-memory ops still in
// flight; loads complete in issue order). The emulator makes "some time" as late as the rules allow: the write waits
// in the issuing lane's queue until that lane executes an s_waitcnt whose vmcnt no longer admits it, a release fence
// (clang 22 makes a release fence, e.g. the one in __syncthreads, wait for pending LDS DMA), or ends. A kernel that
// reads a DMA'd tile after a bare s_barrier without the wait therefore reads stale LDS, as it may on the GPU.
//
// Counted vector-memory ops: the buffer builtins (builtins_buffer.hpp). Plain pointer loads and stores to global
// memory are not counted, so a kernel mixing them with LDS DMA and waiting with vmcnt(N > 0) would see its DMA land
// later than on the GPU (stricter, never laxer).
#include <string.h>

#include "internal.hpp"

HF_EMU_RUNTIME_FILE

namespace hf::emu {
namespace {

// Lands the lane's pending writes with seq <= last, oldest first.
void land(rt::Lane* lane, uint64_t last) {
  size_t done = 0;
  while (done < lane->lds_dma.size() && lane->lds_dma[done].seq <= last) {
    const rt::PendingLdsWrite& w = lane->lds_dma[done];
    // The write is checked (bounds, races) now, when it lands, attributed to the issuing lane. Its bank cost was
    // counted at issue, for the whole wave (lds_dma_banks), so it is not a bank site here (pc 0).
    rt::check(reinterpret_cast<uintptr_t>(w.dst), w.size, true, false, 0);
    memcpy(w.dst, w.data, w.size);
    ++done;
  }
  if (done) lane->lds_dma.erase(lane->lds_dma.begin(), lane->lds_dma.begin() + long(done));
}

}  // namespace

namespace detail {

void vmem_issue() {
  if (rt::Lane* lane = rt::tl_lane) ++lane->vmem_issued;
}

void lds_dma_defer(void* dst, const void* data, unsigned size) {
  rt::Lane* lane = rt::tl_lane;
  if (!lane) return;
  rt::PendingLdsWrite w;
  w.dst = static_cast<char*>(dst);
  w.seq = lane->vmem_issued;
  w.size = size > 16 ? 16 : size;
  memcpy(w.data, data, w.size);
  lane->lds_dma.push_back(w);
}

void lds_dma_banks(const void* lds, unsigned stride, unsigned size, uint64_t mask, const char* file, int line) {
  rt::Lane* lane = rt::tl_lane;
  if (!lane || !lane->block->banks) return;
  rt::Block& b = *lane->block;
  // Offsets within the LDS region the writes land in (dynamic LDS or the static section); an address in neither is
  // left to the checkers when it lands.
  uintptr_t a = reinterpret_cast<uintptr_t>(lds), base;
  if (a - b.zone_lo < b.zone_len)
    base = b.dyn_lo;
  else if (a - rt::static_lds().lo < rt::static_lds().len)
    base = rt::static_lds().lo;
  else
    return;
  uint32_t offsets[64] = {};
  for (int l = 0; l < 64; ++l)
    if (mask >> l & 1) offsets[l] = uint32_t(a - base + uintptr_t(l) * stride);
  rt::banks::record_wave(b, offsets, mask, size, file, line);
}

void vmem_wait(int vmcnt) {
  rt::Lane* lane = rt::tl_lane;
  if (!lane || lane->lds_dma.empty()) return;
  if (uint64_t(vmcnt) >= lane->vmem_issued) return;
  land(lane, lane->vmem_issued - uint64_t(vmcnt));
}

void lds_dma_drain() {
  rt::Lane* lane = rt::tl_lane;
  if (lane && !lane->lds_dma.empty()) land(lane, UINT64_MAX);
}

}  // namespace detail
}  // namespace hf::emu

HF_EMU_RUNTIME_FILE_END
