// hipforge/emu/wave.hpp — the wave-level primitive every wave-wide builtin of the emulator is built on.
//
// Each lane of a wave64 runs the kernel as its own fiber. A wave-level builtin (MFMA, ds_bpermute, ballot, ...) must
// see all 64 lanes' operands at once, so every lane calls wave_collective(); the fiber is parked until every lane of
// its wave has arrived at the same collective, then `fn` runs ONCE with all 64 arguments, then each lane resumes with
// its own result:
//
//   float r = hf::emu::wave_collective<float>("ds_bpermute", my_arg,
//       [](const Arg* args /*[64]*/, float* results /*[64]*/, uint64_t active_mask) { ... });
//
// Lanes absent from a partial wave (block size not a multiple of 64) are not in active_mask and get a value-
// initialized A. A lane that never arrives (it exited, or waits at a barrier or at another collective) makes the
// block fault with kind "barrier_divergence" instead of hanging. R and A must be default-constructible and copyable
// (use a dummy int result for builtins that return nothing). `fn` runs on the host thread's scheduler stack; loads and
// stores it makes are checked like the kernel's own, attributed to the wave's lowest active lane unless it calls
// acting_lane(l) first (do that when a builtin touches memory on behalf of lane l, e.g. buffer loads).
//
// wave_sync() is the project's wave-level ordering point (kernels reach it through the named helper in device.hpp's
// library, __builtin_amdgcn_wave_barrier under the emulator): LDS accesses of two lanes of one wave separated by it
// are ordered for the lds_race checker. Every other collective orders the wave the same way, since no lane passes it
// before all have arrived.
#pragma once

#include <stdint.h>

#include <memory>
#include <string>
#include <type_traits>

namespace hf::emu {

// The current thread's lane within its wave (0..63) and its wave's index within the block.
int lane_id();
int wave_id();

// Records a fault for the current launch (kind as in runtime.hpp's Fault, e.g. "fault" or a checker's kind); the
// message is prefixed with the block and thread. Execution continues.
void fault(const char* kind, const std::string& message);

// The wave-level ordering point: every lane of the wave must reach it (a collective with no data).
void wave_sync();

// Inside a collective's fn: attribute the memory accesses that follow to lane `lane` of the wave (for the checkers'
// messages and the race checker's ownership).
void acting_lane(int lane);

namespace detail {
// One lane's arrival at a collective. Lives on the arriving lane's fiber stack while it is parked.
struct CollectiveArrival {
  const char* what;
  const void* key;  // identifies the instantiation <R, A, F>: all lanes must agree
  const void* arg;
  void* result;
  void (*run)(CollectiveArrival* const* lanes, uint64_t mask);  // null for wave_sync
  const void* fn;
};

// Parks the fiber until the whole wave arrived and the collective ran (runtime.cpp).
void arrive(CollectiveArrival* arrival);

template <class R, class A, class F>
inline constexpr char collective_key = 0;

template <class R, class A, class F>
void run_collective(CollectiveArrival* const* lanes, uint64_t mask) {
  A args[64]{};
  R results[64]{};
  int leader = __builtin_ctzll(mask);
  for (int l = 0; l < 64; ++l)
    if (mask >> l & 1) args[l] = *static_cast<const A*>(lanes[l]->arg);
  F* fn = static_cast<F*>(const_cast<void*>(lanes[leader]->fn));
  (*fn)(static_cast<const A*>(args), static_cast<R*>(results), mask);
  for (int l = 0; l < 64; ++l)
    if (mask >> l & 1) *static_cast<R*>(lanes[l]->result) = results[l];
}
}  // namespace detail

template <class R, class A, class F>
R wave_collective(const char* what, const A& arg, F&& fn) {
  using Fn = std::remove_reference_t<F>;
  static_assert(std::is_default_constructible_v<R> && std::is_copy_assignable_v<R>,
                "wave_collective: R must be default-constructible and copyable (use int for no result)");
  static_assert(std::is_default_constructible_v<A> && std::is_copy_assignable_v<A>,
                "wave_collective: A must be default-constructible and copyable");
  R result{};
  detail::CollectiveArrival arrival{what,    &detail::collective_key<R, A, Fn>,  &arg,
                                    &result, &detail::run_collective<R, A, Fn>, std::addressof(fn)};
  detail::arrive(&arrival);
  return result;
}

}  // namespace hf::emu
