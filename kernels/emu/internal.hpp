// kernels/emu/internal.hpp — the emulator runtime's private state, shared by its .cpp files.
//
// Nothing here is instrumented: every runtime .cpp file opens with HF_EMU_RUNTIME_FILE, which disables
// -fsanitize-coverage for all its functions, so only kernel code (and the builtins inlined into it) reaches the
// checkers' hooks.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <unordered_map>
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
struct Lane;

// LDS bank-conflict accounting (banks.cpp, docs/emulator.md "LDS bank conflicts").
namespace banks {
// A site: the PC of an access in kernel code (line 0), or an LDS DMA builtin's call site (__builtin_FILE as the
// key, its line).
struct SiteKey {
  uintptr_t key;
  int line;
  bool operator==(const SiteKey& o) const { return key == o.key && line == o.line; }
};
struct SiteKeyHash {
  size_t operator()(const SiteKey& k) const { return std::hash<uintptr_t>()(k.key) ^ (size_t(k.line) << 40); }
};
struct SiteAgg {
  unsigned bytes = 0;
  bool write = false;
  uint64_t accesses = 0, cycles = 0, extra = 0;
};
// One wave-level instruction being put together from its lanes' accesses.
struct Pending {
  uintptr_t pc;
  uint64_t mask;
  uint8_t bytes;
  bool write;
  uint32_t offsets[64];  // byte offsets in LDS, per lane in `mask`
};
struct WaveAcc {
  std::vector<Pending> pending;
  std::unordered_map<uintptr_t, std::vector<uint32_t>> by_site;  // pc -> indices into pending, in order
};
struct State {
  WaveAcc waves[kMaxWaves];
  std::unordered_map<SiteKey, SiteAgg, SiteKeyHash> sites;
};
struct Cost {
  uint64_t cycles, ideal;
};
// Whether counting is on (HIPFORGE_EMU_LDS_BANKS=0 turns it off).
bool enabled();
int bank_count();
// The cycles of one wave-level access: lane l (in `mask`) touches `bytes` bytes at LDS byte offset offsets[l].
Cost cost(const uint32_t* offsets, uint64_t mask, unsigned bytes, bool write);
void block_begin(State& s, int nwaves);
// One lane's access at `pc` (the checkers' hook).
void record(Lane* lane, uint32_t offset, unsigned bytes, bool write, uintptr_t pc);
// A whole wave's LDS DMA write, issued at file:line.
void record_wave(Block& b, const uint32_t* offsets, uint64_t mask, unsigned bytes, const char* file, int line);
// Costs the wave's instructions put together since its last synchronization (call when the whole wave is there).
void flush_wave(Block& b, int wave);
void flush_all(Block& b);
}  // namespace banks

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
  // Index after this lane's last LDS access in its wave's pending instructions (banks.cpp).
  uint32_t bank_pos;
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
  // LDS bank accounting of the host thread running the block (null: counting is off).
  banks::State* banks;
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
// `pc` is the access's address in kernel code (its LDS bank-conflict site), 0 for accesses not to be counted.
void check(uintptr_t addr, size_t bytes, bool is_write, bool is_atomic, uintptr_t pc);

// Fibers (fiber.cpp).
void* fiber_init(char* stack_top, void (*entry)(void*), void* arg);
}  // namespace hf::emu::rt

extern "C" void hf_emu_ctx_switch(void** save_sp, void* to_sp);
