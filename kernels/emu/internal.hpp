// kernels/emu/internal.hpp — the emulator runtime's private state, shared by its .cpp files.
//
// Nothing here is instrumented: every runtime .cpp file opens with HF_EMU_RUNTIME_FILE, which disables
// -fsanitize-coverage for all its functions, so only kernel code (and the builtins inlined into it) reaches the
// checkers' hooks.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "hipforge/device.hpp"

#define HF_EMU_RUNTIME_FILE \
  _Pragma("clang attribute push(__attribute__((no_sanitize(\"coverage\"))), apply_to = function)")
#define HF_EMU_RUNTIME_FILE_END _Pragma("clang attribute pop")

namespace hf::emu::rt {

constexpr int kWaveSize = 64;
constexpr int kMaxThreads = 1024;
constexpr int kMaxWaves = kMaxThreads / kWaveSize;
// Dynamic LDS lives in a per-host-thread zone: a guard region, the arch's whole LDS, another guard region. Accesses
// to the guards (or past the launch's dynamic size) are lds_oob; they land on real memory, so they never crash.
constexpr size_t kLdsGuard = 64 * 1024;
constexpr size_t kLdsMax = 160 * 1024;
constexpr uint16_t kMulti = 0xffff;

enum class State : uint8_t { Runnable, AtBarrier, AtCollective, Finished };

struct Block;

// One LDS write of a buffer->LDS load (LDS DMA) that was issued but has not landed yet (lds_dma.cpp).
struct PendingLdsWrite {
  char* dst;
  uint64_t seq;  // the lane's vector-memory op count when it was issued (1-based)
  unsigned size;
  unsigned char data[16];
};

// One thread of the block: a fiber.
struct Lane {
  detail::Coord3 tid;
  uint16_t linear;  // linear thread index in the block (x fastest)
  uint16_t lane;    // within the wave
  uint16_t wave;
  State state;
  void* sp;  // saved stack pointer while not running
  char* stack_top;
  detail::CollectiveArrival* arrival;
  Block* block;
  // Vector-memory ops (buffer loads/stores, LDS DMA) this lane issued, and its LDS DMA writes still in flight: they
  // land when an s_waitcnt lets vmcnt drop past them, at a release fence, or when the lane ends (lds_dma.cpp).
  uint64_t vmem_issued;
  std::vector<PendingLdsWrite> lds_dma;
};

struct Wave {
  int size;
  int arrived;
  uint32_t sync;  // bumped each time the whole wave passes a collective: orders its lanes for lds_race
};

// One byte of LDS as the race checker sees it: who wrote it last and who read it since, in which barrier interval
// (epoch) and wave phase (sync).
struct Shadow {
  uint32_t w_epoch, w_sync, r_epoch, r_sync;
  uint16_t w_tid, r_tid, r_wave, pad;
};

struct KindCount {
  const char* kind;
  int n;
};

// The block running on a host thread.
struct Block {
  detail::Coord3 bid, bdim, gdim;
  uint64_t linear_bid;
  int nthreads, nwaves;
  Lane* lanes;
  Wave waves[kMaxWaves];
  int barrier_arrived;
  uint32_t epoch;
  bool aborted;
  detail::BodyFn body;
  const void* ctx;
  void* sched_sp;
  // LDS: the dynamic region [dyn_lo, dyn_lo + dyn_len) inside the zone [zone_lo, zone_lo + zone_len); static
  // `__shared__` variables live in the `hf_lds` section (static_lds_range()).
  uintptr_t dyn_lo, dyn_len, zone_lo, zone_len;
  Shadow* zone_shadow;
  // Set by the checkers: this block made an instrumented access / touched static LDS. `static_exclusive` says the
  // block runs alone (static LDS is shared by all blocks in flight).
  bool saw_access, touched_static, static_exclusive;
  // Faults of this block, in the order found.
  std::vector<Fault>* faults;
  uint64_t* suppressed;
  std::vector<KindCount> kind_counts;
};

// The `hf_lds` section (every static `__shared__` variable of the program) and its race-check shadow.
struct StaticLds {
  uintptr_t lo, len;
  Shadow* shadow;
};
const StaticLds& static_lds();

// Barrier intervals, unique across all blocks and host threads (shadow entries of any earlier block never match).
uint32_t next_epoch();

// The current fiber (or, while a collective's fn runs, the lane it acts for); null outside kernel code.
// Default TLS model, not initial-exec: the crate dlopens the runtime as a shared object, where initial-exec forces the
// module's whole TLS block into glibc's small static-TLS surplus (dlopen fails once that runs out).
extern __thread Lane* tl_lane;

// Records a fault for the current block, message prefixed with block and thread.
void record_fault(Lane* lane, const char* kind, const std::string& message);
std::string describe_thread(const Lane& lane);
std::string describe_block(const Block& block);

// The checkers' entry point for one access of `bytes` at `addr` by the current lane.
void check(uintptr_t addr, size_t bytes, bool is_write, bool is_atomic);

// Fibers (fiber.cpp).
void* fiber_init(char* stack_top, void (*entry)(void*), void* arg);
}  // namespace hf::emu::rt

extern "C" void hf_emu_ctx_switch(void** save_sp, void* to_sp);
