// kernels/emu/checkers.cpp — device memory (the arena) and the checkers: lds_race, lds_oob, global_oob.
//
// Kernel code is compiled with -fsanitize-coverage=func,trace-loads,trace-stores: clang then calls
// __sanitizer_cov_load{1,2,4,8,16}(addr) / __sanitizer_cov_store*(addr) before every load and store of 1 to 16
// bytes. The hooks below classify the address:
//   - in the block's LDS zone (dynamic LDS with guard regions around it): lds_oob outside the launch's dynamic size,
//     otherwise the race check;
//   - in the device arena: global_oob unless inside a live allocation (a shadow byte per 16-byte granule says how
//     many of its bytes are addressable);
//   - in the `hf_lds` section, where `__shared__` variables live: the race check (static LDS);
//   - anything else (fiber stack, kernel params, constants, host memory): not checked.
// See docs/emulator.md for what this cannot see.
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <map>
#include <mutex>

#include "internal.hpp"

HF_EMU_RUNTIME_FILE

namespace hf::emu::rt {
namespace {

// ---- the arena ---------------------------------------------------------------------------------------------------
constexpr size_t kGranule = 16;
constexpr size_t kAlign = 4096;
constexpr size_t kGap = 64 * 1024;  // unaddressable bytes between allocations (both sides of each)

struct Arena {
  uintptr_t lo = 0, len = 0;
  uint8_t* shadow = nullptr;  // addressable bytes of each granule (0..16)
  uintptr_t bump = 0;
  std::mutex mu;
  std::map<uintptr_t, size_t> live, freed;  // start -> bytes
};
Arena g_arena;
uintptr_t g_arena_lo = 0, g_arena_len = 0;  // read by the hooks without the lock (set once)

void arena_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Reserve address space only: pages are committed when touched (MAP_NORESERVE), so a big arena costs nothing.
    for (size_t bytes = size_t(64) << 30; bytes >= (size_t(1) << 30); bytes >>= 1) {
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) continue;
      void* s =
          mmap(nullptr, bytes / kGranule, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (s == MAP_FAILED) {
        munmap(p, bytes);
        continue;
      }
      g_arena.lo = reinterpret_cast<uintptr_t>(p);
      g_arena.len = bytes;
      g_arena.shadow = static_cast<uint8_t*>(s);
      g_arena.bump = g_arena.lo + kGap;
      g_arena_lo = g_arena.lo;
      g_arena_len = g_arena.len;
      return;
    }
    fprintf(stderr, "hipforge emulator: cannot reserve address space for device memory\n");
  });
}

void set_shadow(uintptr_t start, size_t bytes, bool addressable) {
  size_t g0 = (start - g_arena.lo) / kGranule;
  size_t full = bytes / kGranule;
  memset(g_arena.shadow + g0, addressable ? int(kGranule) : 0, full);
  if (bytes % kGranule) g_arena.shadow[g0 + full] = addressable ? uint8_t(bytes % kGranule) : 0;
}

size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

// A hole for `span` bytes (gaps included) between live allocations, once the bump pointer reached the end.
uintptr_t find_hole(size_t span) {
  uintptr_t prev_end = g_arena.lo;
  for (auto& [start, bytes] : g_arena.live) {
    if (start - kGap >= prev_end && start - kGap - prev_end >= span) return prev_end + kGap;
    prev_end = start + round_up(bytes, kAlign);
  }
  if (g_arena.lo + g_arena.len - prev_end >= span + kGap) return prev_end + kGap;
  return 0;
}

// ---- reporting -----------------------------------------------------------------------------------------------------
std::string hex(uintptr_t x) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(x));
  return buf;
}

const char* verb(bool is_write) { return is_write ? "write" : "read"; }

void report_global_oob(Lane* lane, uintptr_t a, size_t n, bool is_write) {
  std::string where;
  {
    std::lock_guard<std::mutex> g(g_arena.mu);
    // The nearest live allocation on either side, and whether the bytes were freed.
    auto next = g_arena.live.upper_bound(a);
    auto before = next == g_arena.live.begin() ? g_arena.live.end() : std::prev(next);
    auto fnext = g_arena.freed.upper_bound(a);
    if (fnext != g_arena.freed.begin()) {
      auto f = std::prev(fnext);
      if (a < f->first + f->second)
        where = " (inside a freed " + std::to_string(f->second) + "-byte allocation at " + hex(f->first) + ")";
    }
    // Name the nearer neighbour.
    uintptr_t past = before != g_arena.live.end() ? a + n - (before->first + before->second) : UINTPTR_MAX;
    uintptr_t ahead = next != g_arena.live.end() ? next->first - a : UINTPTR_MAX;
    if (where.empty() && past != UINTPTR_MAX && past <= ahead)
      where = " (" + std::to_string(past) + " byte(s) past the end of the " + std::to_string(before->second) +
              "-byte allocation at " + hex(before->first) + ")";
    else if (where.empty() && ahead != UINTPTR_MAX)
      where = " (" + std::to_string(ahead) + " byte(s) before the " + std::to_string(next->second) +
              "-byte allocation at " + hex(next->first) + ")";
  }
  record_fault(lane, "global_oob",
               std::string(verb(is_write)) + " of " + std::to_string(n) + " byte(s) at " + hex(a) +
                   " outside every live hf::emu::malloc allocation" + where);
}

inline void check_global(Lane* lane, uintptr_t a, size_t n, bool is_write) {
  uintptr_t off = a - g_arena_lo;
  const uint8_t* sh = g_arena.shadow;
  size_t g = off / kGranule, in = off % kGranule;
  if (in + n <= sh[g]) return;  // the common case: inside one addressable granule
  size_t end = off + n;
  for (size_t x = off; x < end; x = (x / kGranule + 1) * kGranule) {
    size_t gx = x / kGranule;
    size_t hi = std::min(end, (gx + 1) * kGranule) - gx * kGranule;
    if (hi > sh[gx]) return report_global_oob(lane, a, n, is_write);
  }
}

// ---- the race checker --------------------------------------------------------------------------------------------
// Two accesses to one LDS byte by different threads conflict when they fall in the same barrier interval (epoch), at
// least one writes, and they are not ordered within one wave (same wave, separated by a wave-level collective or
// wave_sync, is ordered).
void race(Lane* lane, const char* space, uintptr_t offset, size_t n, bool is_write, const char* other_kind,
          uint16_t other_tid) {
  const Block& b = *lane->block;
  std::string other = other_tid == kMulti ? "reads by several threads"
                                          : std::string("a ") + other_kind + " by " + describe_thread(b.lanes[other_tid]);
  record_fault(lane, "lds_race",
               std::string(verb(is_write)) + " of " + std::to_string(n) + " byte(s) at " + space + " offset " +
                   hex(offset) + " conflicts with " + other +
                   " in the same barrier interval (no __syncthreads between them" +
                   (other_tid != kMulti && b.lanes[other_tid].wave == lane->wave
                        ? ", and no wave-level sync within the wave)"
                        : ")"));
}

void check_race(Lane* lane, Shadow* sh, const char* space, uintptr_t offset, size_t n, bool is_write) {
  const Block& b = *lane->block;
  const uint32_t e = b.epoch;
  const uint16_t t = lane->linear, w = lane->wave;
  const uint32_t s = b.waves[w].sync;
  bool reported = false;
  for (size_t i = 0; i < n; ++i) {
    Shadow& x = sh[i];
    if (!reported && x.w_epoch == e && x.w_tid != t &&
        (b.lanes[x.w_tid].wave != w || x.w_sync == s)) {
      race(lane, space, offset, n, is_write, "write", x.w_tid);
      reported = true;
    }
    if (is_write) {
      if (!reported && x.r_epoch == e &&
          (x.r_wave == kMulti || x.r_wave != w || (x.r_sync == s && x.r_tid != t))) {
        race(lane, space, offset, n, is_write, "read", x.r_wave == kMulti ? kMulti : x.r_tid);
        reported = true;
      }
      x.w_epoch = e;
      x.w_sync = s;
      x.w_tid = t;
    } else if (x.r_epoch != e) {
      x.r_epoch = e;
      x.r_sync = s;
      x.r_tid = t;
      x.r_wave = w;
    } else if (x.r_wave != kMulti) {
      if (x.r_wave != w) {
        x.r_wave = kMulti;
      } else if (s > x.r_sync) {
        x.r_sync = s;
        x.r_tid = t;
      } else if (x.r_tid != t) {
        x.r_tid = kMulti;
      }
    }
  }
}

}  // namespace

void check(uintptr_t a, size_t n, bool is_write, bool is_atomic, uintptr_t pc) {
  Lane* lane = tl_lane;
  if (!lane) return;  // host code, or the runtime itself
  Block& b = *lane->block;
  b.saw_access = true;
  if (a - b.zone_lo < b.zone_len) {
    if (a < b.dyn_lo || a + n > b.dyn_lo + b.dyn_len) {
      long long off = static_cast<long long>(a - b.dyn_lo);
      record_fault(lane, "lds_oob",
                   std::string(verb(is_write)) + " of " + std::to_string(n) + " byte(s) at dynamic LDS offset " +
                       std::to_string(off) + ", outside the launch's " + std::to_string(b.dyn_len) +
                       " bytes of dynamic LDS");
      return;
    }
    if (!is_atomic) check_race(lane, b.zone_shadow + (a - b.zone_lo), "dynamic LDS", a - b.dyn_lo, n, is_write);
    if (pc && b.banks) banks::record(lane, uint32_t(a - b.dyn_lo), unsigned(n), is_write, pc);
    return;
  }
  if (a - g_arena_lo < g_arena_len) return check_global(lane, a, n, is_write);
  const StaticLds& st = static_lds();
  if (a - st.lo < st.len) {
    b.touched_static = true;
    if (!b.static_exclusive) {
      record_fault(lane, "fault",
                   "static __shared__ accessed, but no earlier launch of this kernel touched static LDS, so the "
                   "emulator ran the blocks in parallel on one shared copy of it: results may be wrong "
                   "(docs/emulator.md)");
      return;
    }
    if (a + n > st.lo + st.len) return;
    if (!is_atomic) check_race(lane, st.shadow + (a - st.lo), "static __shared__", a - st.lo, n, is_write);
    if (pc && b.banks) banks::record(lane, uint32_t(a - st.lo), unsigned(n), is_write, pc);
  }
}

}  // namespace hf::emu::rt

namespace hf::emu {
using namespace rt;

void* malloc(size_t bytes) {
  arena_init();
  if (!g_arena.len) return nullptr;
  size_t span = round_up(bytes ? bytes : 1, kAlign);
  std::lock_guard<std::mutex> g(g_arena.mu);
  uintptr_t start = 0;
  if (g_arena.bump + span + kGap <= g_arena.lo + g_arena.len) {
    start = g_arena.bump;
    g_arena.bump += span + kGap;
  } else {
    start = find_hole(span + kGap);
    if (!start) return nullptr;
  }
  // Fresh or released (MADV_DONTNEED) pages read as zero: no memset needed.
  g_arena.live[start] = bytes;
  g_arena.freed.erase(start);
  set_shadow(start, bytes, true);
  return reinterpret_cast<void*>(start);
}

void free(void* p) {
  if (!p) return;
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  std::lock_guard<std::mutex> g(g_arena.mu);
  auto it = g_arena.live.find(a);
  if (it == g_arena.live.end()) return;
  size_t bytes = it->second;
  set_shadow(a, bytes, false);
  madvise(p, round_up(bytes ? bytes : 1, kAlign), MADV_DONTNEED);  // give the memory back; reads as zero again
  g_arena.live.erase(it);
  g_arena.freed[a] = bytes;
}

}  // namespace hf::emu

// ---- the instrumentation hooks -------------------------------------------------------------------------------------
// The return address is the PC of the access in the kernel code: the access's site for the LDS bank accounting.
#define HF_EMU_HOOK(bytes, type)                                                                             \
  extern "C" void __sanitizer_cov_load##bytes(type* p) {                                                    \
    hf::emu::rt::check(reinterpret_cast<uintptr_t>(p), bytes, false, false,                                 \
                       reinterpret_cast<uintptr_t>(__builtin_return_address(0)));                           \
  }                                                                                                          \
  extern "C" void __sanitizer_cov_store##bytes(type* p) {                                                   \
    hf::emu::rt::check(reinterpret_cast<uintptr_t>(p), bytes, true, false,                                  \
                       reinterpret_cast<uintptr_t>(__builtin_return_address(0)));                           \
  }
HF_EMU_HOOK(1, uint8_t)
HF_EMU_HOOK(2, uint16_t)
HF_EMU_HOOK(4, uint32_t)
HF_EMU_HOOK(8, uint64_t)
HF_EMU_HOOK(16, __int128)

HF_EMU_RUNTIME_FILE_END
