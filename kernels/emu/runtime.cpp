// kernels/emu/runtime.cpp — launches, the host-thread pool, the per-block fiber scheduler, the kernel registry and
// the C ABI of docs/kernel-abi.md §3.
//
// A block runs on one host thread: each of its threads is a fiber, run in thread order until it parks (barrier, wave
// collective, s_sleep) or finishes. A parked wave collective completes when the last lane of the wave arrives; a
// barrier when every thread of the block has arrived. When no fiber can run and the block is not finished, the
// block deadlocked: that is reported as barrier_divergence and the block is abandoned (never a hang).
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "internal.hpp"

HF_EMU_RUNTIME_FILE

// The linker's bounds of the hf_lds section (static `__shared__`); weak: a program without any has no such section.
extern "C" char __start_hf_lds[] __attribute__((weak));
extern "C" char __stop_hf_lds[] __attribute__((weak));

namespace hf::emu::rt {

__thread Lane* tl_lane = nullptr;

namespace {

constexpr size_t kStackBytes = 512 * 1024;
constexpr size_t kPage = 4096;
constexpr int kFaultsPerKindPerBlock = 4;
constexpr size_t kFaultsPerLaunch = 64;

void* map_or_die(size_t bytes, const char* what) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    fprintf(stderr, "hipforge emulator: cannot map %zu bytes for %s\n", bytes, what);
    abort();
  }
  return p;
}

// Everything a host thread needs to run blocks, made once per pool thread.
struct Worker {
  Lane* lanes;
  char* stacks;
  char* lds_zone;
  Shadow* zone_shadow;
  banks::State* banks;  // null when HIPFORGE_EMU_LDS_BANKS=0

  Worker() {
    lanes = new Lane[kMaxThreads]();
    size_t slot = kStackBytes + kPage;
    stacks = static_cast<char*>(map_or_die(slot * kMaxThreads, "fiber stacks"));
    // A guard page under each stack: an overflowing fiber stops at it instead of corrupting its neighbour.
    for (int i = 0; i < kMaxThreads; ++i) mprotect(stacks + i * slot, kPage, PROT_NONE);
    for (int i = 0; i < kMaxThreads; ++i) {
      // Stagger the stack tops so that 1024 hot stack tops do not all map to the same cache sets.
      lanes[i].stack_top = stacks + (i + 1) * slot - (i % 64) * 64;
    }
    size_t zone = 2 * kLdsGuard + kLdsMax;
    lds_zone = static_cast<char*>(map_or_die(zone, "LDS"));
    zone_shadow = static_cast<Shadow*>(map_or_die(zone * sizeof(Shadow), "LDS shadow"));
    banks = banks::enabled() ? new banks::State() : nullptr;
  }
};

void fiber_main(void* arg) {
  Lane* lane = static_cast<Lane*>(arg);
  Block* b = lane->block;
  b->body(b->ctx);
  // A wave's LDS DMA writes land even if it never waited for them (the hardware finishes them after s_endpgm).
  detail::lds_dma_drain();
  lane->state = State::Finished;
  hf_emu_ctx_switch(&lane->sp, b->sched_sp);
  __builtin_unreachable();
}

// Parks the current fiber in `state` and returns to the block's scheduler.
void park(State state) {
  Lane* lane = tl_lane;
  lane->state = state;
  hf_emu_ctx_switch(&lane->sp, lane->block->sched_sp);
}

Lane* current_or_die(const char* what) {
  Lane* lane = tl_lane;
  if (!lane) {
    fprintf(stderr, "hipforge emulator: %s called outside a kernel launched by hf::emu::launch\n", what);
    abort();
  }
  return lane;
}

// "0-63, 65, 70-71"
std::string ranges(const std::vector<int>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!s.empty()) s += ", ";
    s += std::to_string(ids[i]);
    if (j > i) s += "-" + std::to_string(ids[j]);
    i = j + 1;
  }
  return s;
}

void release_barrier(Block& b) {
  if (b.banks) banks::flush_all(b);
  b.barrier_arrived = 0;
  b.epoch = next_epoch();
  for (int i = 0; i < b.nthreads; ++i)
    if (b.lanes[i].state == State::AtBarrier) b.lanes[i].state = State::Runnable;
}

void complete_collective(Block& b, int wave) {
  Wave& wv = b.waves[wave];
  Lane* first = &b.lanes[wave * kWaveSize];
  detail::CollectiveArrival* arrivals[kWaveSize] = {};
  uint64_t mask = 0;
  for (int l = 0; l < wv.size; ++l) {
    arrivals[l] = first[l].arrival;
    mask |= uint64_t(1) << l;
  }
  for (int l = 1; l < wv.size; ++l) {
    if (arrivals[l]->key != arrivals[0]->key || strcmp(arrivals[l]->what, arrivals[0]->what) != 0) {
      record_fault(&first[l], "barrier_divergence",
                   "wave " + std::to_string(wave) + " diverged at wave-level operations: lane 0 is at '" +
                       arrivals[0]->what + "' but lane " + std::to_string(l) + " is at '" + arrivals[l]->what +
                       "' (every lane of a wave must reach the same collective); block abandoned");
      b.aborted = true;
      return;
    }
  }
  if (arrivals[0]->run) {
    tl_lane = first;
    arrivals[0]->run(arrivals, mask);
    tl_lane = nullptr;
  }
  if (b.banks) banks::flush_wave(b, wave);
  wv.sync++;
  wv.arrived = 0;
  for (int l = 0; l < wv.size; ++l) first[l].state = State::Runnable;
}

// Every fiber is parked or finished and nothing can complete: say who waits where.
void report_deadlock(Block& b) {
  std::vector<int> at_barrier, finished;
  std::map<std::string, std::vector<int>> at_collective;
  for (int i = 0; i < b.nthreads; ++i) {
    const Lane& l = b.lanes[i];
    if (l.state == State::AtBarrier) at_barrier.push_back(i);
    if (l.state == State::Finished) finished.push_back(i);
    if (l.state == State::AtCollective)
      at_collective["wave " + std::to_string(l.wave) + " at '" + l.arrival->what + "'"].push_back(i);
  }
  std::string msg = "deadlock: ";
  if (!at_barrier.empty())
    msg += "__syncthreads reached by " + std::to_string(at_barrier.size()) + " of " + std::to_string(b.nthreads) +
           " threads (" + ranges(at_barrier) + ")";
  for (auto& [where, ids] : at_collective) {
    if (msg.size() > 10) msg += "; ";
    msg += "wave-level collective reached by only part of the wave: threads " + ranges(ids) + " wait " + where;
  }
  if (!finished.empty()) msg += "; threads " + ranges(finished) + " exited";
  msg += "; block abandoned";
  Lane* example = nullptr;
  for (int i = 0; i < b.nthreads && !example; ++i)
    if (b.lanes[i].state != State::Finished) example = &b.lanes[i];
  record_fault(example, "barrier_divergence", msg);
}

void run_block(Worker& w, Block& b) {
  int n = b.nthreads;
  for (int i = 0; i < n; ++i) {
    Lane& l = w.lanes[i];
    l.linear = uint16_t(i);
    l.tid = {uint32_t(i % b.bdim.x), uint32_t(i / b.bdim.x % b.bdim.y), uint32_t(i / (b.bdim.x * b.bdim.y))};
    l.lane = uint16_t(i % kWaveSize);
    l.wave = uint16_t(i / kWaveSize);
    l.state = State::Runnable;
    l.arrival = nullptr;
    l.block = &b;
    l.vmem_issued = 0;
    l.lds_dma.clear();
    l.bank_pos = 0;
    l.sp = fiber_init(l.stack_top, fiber_main, &l);
  }
  for (int v = 0; v < b.nwaves; ++v) b.waves[v] = Wave{std::min(kWaveSize, n - v * kWaveSize), 0, 0};
  b.banks = w.banks;
  if (b.banks) banks::block_begin(*b.banks, b.nwaves);
  int finished = 0;
  while (!b.aborted) {
    bool ran = false;
    for (int i = 0; i < n && !b.aborted; ++i) {
      Lane& l = w.lanes[i];
      if (l.state != State::Runnable) continue;
      ran = true;
      tl_lane = &l;
      hf_emu_ctx_switch(&b.sched_sp, l.sp);
      tl_lane = nullptr;
      switch (l.state) {
        case State::Finished:
          ++finished;
          break;
        case State::AtBarrier:
          if (++b.barrier_arrived == n) release_barrier(b);
          break;
        case State::AtCollective:
          if (++b.waves[l.wave].arrived == b.waves[l.wave].size) complete_collective(b, l.wave);
          break;
        case State::Runnable:
          break;
      }
    }
    if (finished == n && b.banks) banks::flush_all(b);
    if (b.aborted || finished == n) break;
    if (!ran) {
      report_deadlock(b);
      b.aborted = true;
    }
  }
}

// One launch, shared by the pool threads.
struct Job {
  dim3 grid, block;
  size_t dynamic_lds;
  detail::BodyFn body;
  const void* ctx;
  uint64_t total;
  std::atomic<uint64_t> next{0};
  // Blocks run one at a time (the kernel uses static LDS, or that could not be ruled out).
  bool exclusive = false;
  // Whether any block made checked accesses / touched static LDS.
  std::atomic<bool> saw_access{false}, touched_static{false};
  std::mutex mu;
  std::map<uint64_t, std::vector<Fault>> faults;  // by block: the report lists them in block order
  uint64_t suppressed = 0;
  std::unordered_map<banks::SiteKey, banks::SiteAgg, banks::SiteKeyHash> lds_sites;  // merged from the workers
};

void run_blocks(Worker& w, Job& job) {
  std::vector<Fault> faults;
  uint64_t suppressed = 0;
  for (;;) {
    uint64_t idx = job.next.fetch_add(1, std::memory_order_relaxed);
    if (idx >= job.total) break;
    Block b{};
    b.bid = {uint32_t(idx % job.grid.x), uint32_t(idx / job.grid.x % job.grid.y),
             uint32_t(idx / (uint64_t(job.grid.x) * job.grid.y))};
    b.bdim = {job.block.x, job.block.y, job.block.z};
    b.gdim = {job.grid.x, job.grid.y, job.grid.z};
    b.linear_bid = idx;
    b.nthreads = int(job.block.x * job.block.y * job.block.z);
    b.nwaves = (b.nthreads + kWaveSize - 1) / kWaveSize;
    b.lanes = w.lanes;
    b.epoch = next_epoch();
    b.body = job.body;
    b.ctx = job.ctx;
    b.zone_lo = reinterpret_cast<uintptr_t>(w.lds_zone);
    b.zone_len = 2 * kLdsGuard + kLdsMax;
    b.dyn_lo = b.zone_lo + kLdsGuard;
    b.dyn_len = job.dynamic_lds;
    b.zone_shadow = w.zone_shadow;
    b.static_exclusive = job.exclusive;
    b.faults = &faults;
    b.suppressed = &suppressed;
    // LDS holds garbage at block start on the GPU; all-ones bytes (NaN in every float format) make a read of never-
    // written dynamic LDS visible in the results.
    memset(w.lds_zone + kLdsGuard, 0xff, job.dynamic_lds);
    faults.clear();
    if (job.exclusive) {
      static std::mutex static_lds_mu;  // one block at a time owns the static LDS
      std::lock_guard<std::mutex> g(static_lds_mu);
      run_block(w, b);
    } else {
      run_block(w, b);
    }
    if (b.saw_access) job.saw_access.store(true, std::memory_order_relaxed);
    if (b.touched_static) job.touched_static.store(true, std::memory_order_relaxed);
    if (!faults.empty() || suppressed) {
      std::lock_guard<std::mutex> g(job.mu);
      for (Fault& f : faults) job.faults[idx].push_back(std::move(f));
      job.suppressed += suppressed;
      suppressed = 0;
    }
  }
  if (w.banks && !w.banks->sites.empty()) {
    std::lock_guard<std::mutex> g(job.mu);
    for (auto& [key, a] : w.banks->sites) {
      banks::SiteAgg& t = job.lds_sites[key];
      t.bytes = a.bytes;
      t.write = a.write;
      t.accesses += a.accesses;
      t.cycles += a.cycles;
      t.extra += a.extra;
    }
    w.banks->sites.clear();
  }
}

// The launch's LDS figures, sites with the most extra cycles first.
LdsStats lds_stats(const Job& job) {
  LdsStats s;
  s.counted = banks::enabled();
  s.banks = banks::bank_count();
  for (const auto& [key, a] : job.lds_sites) {
    LdsSite site;
    site.bytes = a.bytes;
    site.write = a.write;
    site.accesses = a.accesses;
    site.cycles = a.cycles;
    site.extra_cycles = a.extra;
    if (key.line) {
      site.dma = true;
      site.where = std::string(reinterpret_cast<const char*>(key.key)) + ":" + std::to_string(key.line);
    } else {
      site.pc = key.key;
      Dl_info info{};
      if (dladdr(reinterpret_cast<void*>(key.key), &info) && info.dli_fbase)
        site.module_offset = key.key - reinterpret_cast<uintptr_t>(info.dli_fbase);
      char buf[32];
      snprintf(buf, sizeof buf, "+0x%lx", static_cast<unsigned long>(site.module_offset));
      site.where = buf;
    }
    s.accesses += a.accesses;
    s.cycles += a.cycles;
    s.extra_cycles += a.extra;
    s.sites.push_back(std::move(site));
  }
  std::sort(s.sites.begin(), s.sites.end(), [](const LdsSite& x, const LdsSite& y) {
    if (x.extra_cycles != y.extra_cycles) return x.extra_cycles > y.extra_cycles;
    if (x.accesses != y.accesses) return x.accesses > y.accesses;
    return x.where < y.where;
  });
  return s;
}

// Pool threads live for the whole process; one launch at a time uses all of them.
struct Pool {
  std::mutex launch_mu;  // serializes launches from concurrent host threads
  std::mutex mu;
  std::condition_variable cv_start, cv_done;
  Job* job = nullptr;
  uint64_t generation = 0;
  int running = 0;
  int nthreads;

  Pool() {
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    if (const char* e = getenv("HIPFORGE_EMU_THREADS")) {
      int v = atoi(e);
      if (v > 0) hw = unsigned(v);
    }
    nthreads = int(std::min(hw, 64u));
    for (int i = 0; i < nthreads; ++i) std::thread([this] { loop(); }).detach();
  }

  void loop() {
    Worker w;
    uint64_t seen = 0;
    for (;;) {
      Job* j;
      {
        std::unique_lock<std::mutex> g(mu);
        cv_start.wait(g, [&] { return generation != seen; });
        seen = generation;
        j = job;
      }
      run_blocks(w, *j);
      {
        std::lock_guard<std::mutex> g(mu);
        if (--running == 0) cv_done.notify_all();
      }
    }
  }

  void run(Job& j) {
    std::lock_guard<std::mutex> l(launch_mu);
    std::unique_lock<std::mutex> g(mu);
    job = &j;
    running = nthreads;
    ++generation;
    cv_start.notify_all();
    cv_done.wait(g, [&] { return running == 0; });
    job = nullptr;
  }
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: its threads outlive static destructors
  return *p;
}

struct Entry {
  std::string name;
  size_t params_size;
  void (*trampoline)(const void*);
};
// Kernel name -> dynamic LDS it declared (HF_DYNAMIC_LDS).
std::map<std::string, size_t>& declared_lds() {
  static std::map<std::string, size_t> m;
  return m;
}
std::vector<Entry>& registry() {
  static std::vector<Entry> r;
  return r;
}

Report refused(const std::string& message) {
  Report r;
  r.faults.push_back(Fault{"launch_refused", message});
  return r;
}

}  // namespace

const StaticLds& static_lds() {
  static const StaticLds s = [] {
    StaticLds r{reinterpret_cast<uintptr_t>(__start_hf_lds), 0, nullptr};
    if (__start_hf_lds && +__stop_hf_lds > +__start_hf_lds) {
      r.len = uintptr_t(__stop_hf_lds - __start_hf_lds);
      r.shadow = static_cast<Shadow*>(map_or_die(r.len * sizeof(Shadow), "static LDS shadow"));
    }
    return r;
  }();
  return s;
}

uint32_t next_epoch() {
  static std::atomic<uint32_t> epoch{0};
  return epoch.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::string describe_block(const Block& b) {
  return "block (" + std::to_string(b.bid.x) + "," + std::to_string(b.bid.y) + "," + std::to_string(b.bid.z) + ")";
}

std::string describe_thread(const Lane& l) {
  return "thread (" + std::to_string(l.tid.x) + "," + std::to_string(l.tid.y) + "," + std::to_string(l.tid.z) +
         ") [wave " + std::to_string(l.wave) + " lane " + std::to_string(l.lane) + "]";
}

void record_fault(Lane* lane, const char* kind, const std::string& message) {
  if (!lane) {
    fprintf(stderr, "hipforge emulator: fault outside a kernel: %s: %s\n", kind, message.c_str());
    return;
  }
  Block& b = *lane->block;
  for (KindCount& k : b.kind_counts) {
    if (strcmp(k.kind, kind) == 0) {
      if (k.n >= kFaultsPerKindPerBlock) {
        ++*b.suppressed;
        return;
      }
      ++k.n;
      b.faults->push_back(Fault{kind, describe_block(b) + " " + describe_thread(*lane) + ": " + message});
      return;
    }
  }
  b.kind_counts.push_back(KindCount{kind, 1});
  b.faults->push_back(Fault{kind, describe_block(b) + " " + describe_thread(*lane) + ": " + message});
}

}  // namespace hf::emu::rt

namespace hf::emu {
using namespace rt;

int arch() { return HIPFORGE_EMU_ARCH; }
size_t lds_limit() { return HIPFORGE_EMU_ARCH == 942 ? 64 * 1024 : 160 * 1024; }

int lane_id() { return current_or_die("hf::emu::lane_id")->lane; }
int wave_id() { return current_or_die("hf::emu::wave_id")->wave; }

void fault(const char* kind, const std::string& message) { record_fault(tl_lane, kind, message); }

void wave_sync() {
  static const char key = 0;
  detail::CollectiveArrival a{"wave_sync", &key, nullptr, nullptr, nullptr, nullptr};
  detail::arrive(&a);
}

void acting_lane(int lane) {
  Lane* cur = current_or_die("hf::emu::acting_lane");
  if (lane < 0 || lane >= kWaveSize || cur->wave * kWaveSize + lane >= cur->block->nthreads) return;
  tl_lane = &cur->block->lanes[cur->wave * kWaveSize + lane];
}

namespace detail {
Coord3 thread_idx() { return current_or_die("threadIdx")->tid; }
Coord3 block_idx() { return current_or_die("blockIdx")->block->bid; }
Coord3 block_dim() { return current_or_die("blockDim")->block->bdim; }
Coord3 grid_dim() { return current_or_die("gridDim")->block->gdim; }
void* dynamic_lds() { return reinterpret_cast<void*>(current_or_die("HIP_DYNAMIC_SHARED")->block->dyn_lo); }

void barrier() {
  current_or_die("__syncthreads");
  park(State::AtBarrier);
}
void yield() {
  current_or_die("s_sleep");
  park(State::Runnable);
}
void arrive(CollectiveArrival* a) {
  Lane* lane = current_or_die("a wave-level builtin");
  lane->arrival = a;
  park(State::AtCollective);
}
void check_access(const volatile void* p, size_t bytes, bool is_write, bool is_atomic) {
  // Called from inlined builtins (atomics): the return address is the access's PC in the kernel code.
  rt::check(reinterpret_cast<uintptr_t>(p), bytes, is_write, is_atomic,
            reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
}

bool declare_dynamic_lds(const char* name, size_t bytes) {
  declared_lds()[name] = bytes;
  return true;
}

bool register_kernel(const char* name, size_t params_size, void (*trampoline)(const void*)) {
  registry().push_back(Entry{name, params_size, trampoline});
  return true;
}

Report launch_erased(const char* name, const void* kernel_key, dim3 grid, dim3 block, size_t dynamic_lds, BodyFn body,
                     const void* ctx) {
  auto dims = [](dim3 d) {
    return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
  };
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || block.x == 0 || block.y == 0 || block.z == 0)
    return refused(std::string(name) + ": grid " + dims(grid) + " and block " + dims(block) +
                   " must have every dimension >= 1");
  uint64_t threads = uint64_t(block.x) * block.y * block.z;
  if (threads > uint64_t(kMaxThreads))
    return refused(std::string(name) + ": block " + dims(block) + " has " + std::to_string(threads) +
                   " threads; the most a workgroup can have is 1024");
  if (dynamic_lds > lds_limit())
    return refused(std::string(name) + ": " + std::to_string(dynamic_lds) + " bytes of dynamic LDS requested; gfx" +
                   std::to_string(HIPFORGE_EMU_ARCH) + " has " + std::to_string(lds_limit()) + " bytes of LDS");
  Job job;
  job.grid = grid;
  job.block = block;
  job.dynamic_lds = dynamic_lds;
  job.body = body;
  job.ctx = ctx;
  job.total = uint64_t(grid.x) * grid.y * grid.z;
  // Static `__shared__` variables exist once, so blocks that use them must run one at a time. A kernel's first launch
  // runs that way (when the program has static LDS at all); later launches run in parallel if no block of an earlier
  // launch touched static LDS and the blocks were instrumented (so the checkers would have seen it).
  static std::mutex known_mu;
  static std::map<const void*, bool> may_share;  // kernel -> its blocks can run in parallel
  if (static_lds().len != 0) {
    std::lock_guard<std::mutex> g(known_mu);
    auto it = may_share.find(kernel_key);
    job.exclusive = it == may_share.end() || !it->second;
  }
  pool().run(job);
  if (static_lds().len != 0) {
    std::lock_guard<std::mutex> g(known_mu);
    bool parallel_ok = job.saw_access.load() && !job.touched_static.load();
    auto it = may_share.find(kernel_key);
    if (it == may_share.end())
      may_share[kernel_key] = parallel_ok;
    else
      it->second = it->second && parallel_ok;
  }
  Report r;
  r.suppressed = job.suppressed;
  r.lds = lds_stats(job);
  for (auto& [blk, faults] : job.faults) {
    for (Fault& f : faults) {
      if (r.faults.size() < kFaultsPerLaunch)
        r.faults.push_back(std::move(f));
      else
        ++r.suppressed;
    }
  }
  return r;
}
}  // namespace detail

namespace {
// 0 ran, 2 unknown kernel, 3 params size mismatch (the C ABI's codes); the report says the rest.
int launch_registered(const char* name, dim3 grid, dim3 block, size_t dynamic_lds, const void* params,
                      size_t params_size, Report& report) {
  const Entry* e = nullptr;
  for (const Entry& x : registry())
    if (x.name == name) e = &x;
  if (!e) {
    report = refused(std::string("no kernel named '") + name + "' is registered (HF_EXPORT) in the gfx" +
                     std::to_string(HIPFORGE_EMU_ARCH) + " emulator build");
    return 2;
  }
  if (e->params_size != params_size) {
    report = refused(std::string(name) + ": params are " + std::to_string(e->params_size) + " bytes in C++, " +
                     std::to_string(params_size) + " bytes were given");
    return 3;
  }
  auto lds = declared_lds().find(name);
  if (lds != declared_lds().end() && dynamic_lds < lds->second) {
    report = refused(std::string(name) + ": declares " + std::to_string(lds->second) +
                     " bytes of dynamic LDS (HF_DYNAMIC_LDS); the launch gives " + std::to_string(dynamic_lds));
    return 0;
  }
  // An aligned private copy: every fiber reads the params from here.
  std::vector<max_align_t> copy((params_size + sizeof(max_align_t) - 1) / sizeof(max_align_t) + 1);
  if (params_size) memcpy(copy.data(), params, params_size);
  report = detail::launch_erased(e->name.c_str(), reinterpret_cast<const void*>(e->trampoline), grid, block,
                                 dynamic_lds, e->trampoline, copy.data());
  return 0;
}
}  // namespace

Report launch_by_name(const char* name, dim3 grid, dim3 block, size_t dynamic_lds_bytes, const void* params,
                      size_t params_size) {
  Report r;
  launch_registered(name, grid, block, dynamic_lds_bytes, params, params_size, r);
  return r;
}

}  // namespace hf::emu

// ---- the C ABI (docs/kernel-abi.md §3) ----------------------------------------------------------------------------
#define HF_EMU_CAT3_(a, b, c) a##b##c
#define HF_EMU_CAT3(a, b, c) HF_EMU_CAT3_(a, b, c)
#define HF_EMU_C(name) HF_EMU_CAT3(hf_emu_gfx, HIPFORGE_EMU_ARCH, name)

// The only symbols the emulator's shared object exports (build/emu.rs compiles with -fvisibility=hidden).
namespace {
// The LDS figures of every C ABI launch since the last hf_emu_gfxA_lds_take, by site.
struct LdsTotals {
  std::mutex mu;
  std::map<std::string, hf::emu::LdsSite> sites;  // keyed by kind and where
  uint64_t launches = 0;
};
LdsTotals& lds_totals() {
  static LdsTotals* t = new LdsTotals();
  return *t;
}
void lds_accumulate(const hf::emu::LdsStats& s) {
  LdsTotals& t = lds_totals();
  std::lock_guard<std::mutex> g(t.mu);
  ++t.launches;
  for (const hf::emu::LdsSite& x : s.sites) {
    hf::emu::LdsSite& a = t.sites[(x.dma ? "dma " : "pc ") + x.where];
    if (a.accesses == 0) a = x;
    else {
      a.accesses += x.accesses;
      a.cycles += x.cycles;
      a.extra_cycles += x.extra_cycles;
    }
  }
}
}  // namespace

#pragma GCC visibility push(default)
extern "C" {
void* HF_EMU_C(_malloc)(size_t bytes) { return hf::emu::malloc(bytes); }
void HF_EMU_C(_free)(void* p) { hf::emu::free(p); }
int HF_EMU_C(_launch)(const char* kernel, const unsigned grid[3], const unsigned block[3], size_t dynamic_lds,
                      const void* params, size_t params_size, char* fault_buf, size_t fault_buf_len) {
  hf::emu::Report r;
  int code = hf::emu::launch_registered(kernel, dim3(grid[0], grid[1], grid[2]), dim3(block[0], block[1], block[2]),
                                        dynamic_lds, params, params_size, r);
  lds_accumulate(r.lds);
  std::string text;
  for (const hf::emu::Fault& f : r.faults) text += f.kind + "\t" + f.message + "\n";
  if (r.suppressed) text += "suppressed\t" + std::to_string(r.suppressed) + " more fault(s) not listed\n";
  if (fault_buf && fault_buf_len) {
    size_t n = std::min(text.size(), fault_buf_len - 1);
    memcpy(fault_buf, text.data(), n);
    fault_buf[n] = 0;
  }
  if (code) return code;
  if (!r.faults.empty() && r.faults[0].kind == "launch_refused") return 4;
  return r.ok() ? 0 : 1;
}
// The LDS bank figures of the launches since the last call, as text (docs/kernel-abi.md §3): a first line
// "lds\t<counted 0|1>\t<banks>\t<launches>", then one line per site
// "site\t<pc|dma>\t<module offset (hex) | file:line>\t<bytes>\t<write 0|1>\t<accesses>\t<cycles>\t<extra cycles>".
// Returns the text's length; when that is >= buf_len nothing is written or cleared (call again with a larger buffer).
size_t HF_EMU_C(_lds_take)(char* buf, size_t buf_len) {
  LdsTotals& t = lds_totals();
  std::lock_guard<std::mutex> g(t.mu);
  std::string text = "lds\t" + std::to_string(hf::emu::rt::banks::enabled() ? 1 : 0) + "\t" +
                     std::to_string(hf::emu::rt::banks::bank_count()) + "\t" + std::to_string(t.launches) + "\n";
  for (const auto& [k, s] : t.sites) {
    char off[32];
    snprintf(off, sizeof off, "%lx", static_cast<unsigned long>(s.module_offset));
    text += std::string("site\t") + (s.dma ? "dma\t" + s.where : std::string("pc\t") + off) + "\t" +
            std::to_string(s.bytes) + "\t" + (s.write ? "1" : "0") + "\t" + std::to_string(s.accesses) + "\t" +
            std::to_string(s.cycles) + "\t" + std::to_string(s.extra_cycles) + "\n";
  }
  if (!buf || text.size() >= buf_len) return text.size();
  memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  t.sites.clear();
  t.launches = 0;
  return text.size();
}
}
#pragma GCC visibility pop

HF_EMU_RUNTIME_FILE_END
