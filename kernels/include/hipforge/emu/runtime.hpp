// hipforge/emu/runtime.hpp — the emulator's public C++ API (host side): device memory, launches, fault reports.
//
//   float* x = static_cast<float*>(hf::emu::malloc(n * sizeof(float)));   // zeroed, tracked for global_oob
//   hf::emu::Report r = hf::emu::launch(my_kernel, dim3(blocks), dim3(256), /*dynamic LDS*/ 0, x, n);
//   if (!r.ok()) for (auto& f : r.faults) printf("%s: %s\n", f.kind.c_str(), f.message.c_str());
//   hf::emu::free(x);
//
// The kernel is any function of the HIP kernel language (the plain HIP `__global__ void k(float* x, int n)` style,
// or the project's `void k(const Params p)`); every thread of every block runs it as a fiber (docs/emulator.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

// HIP's dim3 (uint32 x, y, z, each defaulting to 1).
struct dim3 {
  uint32_t x, y, z;
  constexpr dim3(uint32_t x_ = 1, uint32_t y_ = 1, uint32_t z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace hf::emu {

// One problem the emulator found. `kind` is "lds_race", "global_oob", "lds_oob", "barrier_divergence" (the
// checkers), "launch_refused" (nothing ran: block over 1024 threads, LDS over the arch's size, empty grid) or
// "fault" (reported by a builtin through hf::emu::fault). `message` names block, thread and address.
struct Fault {
  std::string kind;
  std::string message;
};

// One LDS access site of a launch and its bank-conflict cost (docs/emulator.md "LDS bank conflicts"): every
// wave-level instruction at the site (the 64 lanes' accesses put together) costed under the arch's bank model.
struct LdsSite {
  bool dma = false;            // an LDS DMA write (buffer_load ... lds), sited at the builtin's call
  uintptr_t pc = 0;            // the access's address in the kernel code (0 for DMA sites)
  uintptr_t module_offset = 0; // pc minus the load address of the module holding the code (for a symbolizer)
  std::string where;           // "+0x<module_offset>", or "file:line" of a DMA site
  unsigned bytes = 0;          // bytes per lane
  bool write = false;
  uint64_t accesses = 0;       // wave-level instructions
  uint64_t cycles = 0;         // bank cycles they took
  uint64_t extra_cycles = 0;   // cycles beyond one per lane phase: the bank-conflict cost
};

// The LDS bank figures of a launch; sites with the most extra cycles first.
struct LdsStats {
  bool counted = false;  // false when HIPFORGE_EMU_LDS_BANKS=0
  int banks = 0;         // the arch's LDS banks (4 bytes each)
  uint64_t accesses = 0, cycles = 0, extra_cycles = 0;
  std::vector<LdsSite> sites;
};

// What a launch found. Faults are in block order (deterministic whatever the host thread count).
struct Report {
  LdsStats lds;
  std::vector<Fault> faults;
  // Faults found but not kept (the report keeps the first few per kind and block, see docs/emulator.md).
  uint64_t suppressed = 0;
  bool ok() const { return faults.empty() && suppressed == 0; }
  // The number of faults of one kind.
  size_t count(const char* kind) const {
    size_t n = 0;
    for (const Fault& f : faults) n += f.kind == kind;
    return n;
  }
};

// Device memory: ordinary host memory (read and write it between launches) from the emulator's arena, zeroed,
// 256-byte aligned, with unmapped-for-kernels gaps between allocations so that out-of-bounds accesses are caught.
// Returns nullptr when the arena is exhausted. free(nullptr) does nothing; freeing anything else not from malloc
// is ignored.
void* malloc(size_t bytes);
void free(void* p);

// The architecture this emulator build implements (942 or 950) and its LDS size in bytes.
int arch();
size_t lds_limit();

namespace detail {
// A launch with the kernel erased to "run the body for the current thread". `kernel_key` identifies the kernel
// across launches (the runtime remembers whether it uses static LDS).
using BodyFn = void (*)(const void* ctx);
Report launch_erased(const char* name, const void* kernel_key, dim3 grid, dim3 block, size_t dynamic_lds, BodyFn body,
                     const void* ctx);

template <class... P, class Tuple, size_t... I>
void call_kernel(void (*kernel)(P...), const Tuple& args, std::index_sequence<I...>) {
  kernel(std::get<I>(args)...);
}
}  // namespace detail

// Runs `kernel(args...)` on a grid of blocks. The arguments are converted to the kernel's parameter types once, then
// every thread receives its own copy, as on the GPU.
template <class... P, class... Args>
Report launch(void (*kernel)(P...), dim3 grid, dim3 block, size_t dynamic_lds_bytes, Args&&... args) {
  static_assert(sizeof...(P) == sizeof...(Args), "hf::emu::launch: argument count differs from the kernel's");
  struct Ctx {
    void (*kernel)(P...);
    std::tuple<std::decay_t<P>...> args;
  };
  Ctx ctx{kernel, std::tuple<std::decay_t<P>...>(std::forward<Args>(args)...)};
  auto body = [](const void* c) {
    const Ctx* x = static_cast<const Ctx*>(c);
    detail::call_kernel(x->kernel, x->args, std::index_sequence_for<P...>{});
  };
  return detail::launch_erased("kernel", reinterpret_cast<const void*>(kernel), grid, block, dynamic_lds_bytes, body,
                               &ctx);
}

// Launches a kernel registered with HF_EXPORT by name, with its params struct given as bytes (the C ABI's path).
// Unknown names and size mismatches come back as a "launch_refused" fault.
Report launch_by_name(const char* name, dim3 grid, dim3 block, size_t dynamic_lds_bytes, const void* params,
                      size_t params_size);

}  // namespace hf::emu
