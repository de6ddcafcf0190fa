// kernels/emu/fiber.cpp — the fiber context switch: a few instructions instead of swapcontext's signal-mask syscall.
//
// hf_emu_ctx_switch(save, to) pushes the System V callee-saved registers on the current stack, stores the stack
// pointer in *save, loads `to` and pops the other fiber's registers. Caller-saved registers need no saving: the
// switch is an ordinary call for the compiler. The floating-point control state (MXCSR, x87 control word) is shared:
// neither kernels nor the runtime change it.
#include "internal.hpp"

HF_EMU_RUNTIME_FILE

#if defined(__x86_64__)
asm(R"(
  .text
  .globl hf_emu_ctx_switch
  .type hf_emu_ctx_switch,@function
  .p2align 4
hf_emu_ctx_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  retq
  .size hf_emu_ctx_switch, .-hf_emu_ctx_switch

  .globl hf_emu_ctx_entry
  .type hf_emu_ctx_entry,@function
  .p2align 4
hf_emu_ctx_entry:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size hf_emu_ctx_entry, .-hf_emu_ctx_entry
)");

extern "C" void hf_emu_ctx_entry();

namespace hf::emu::rt {
// Lays out a fresh stack so that the first switch to it "returns" into hf_emu_ctx_entry with r12 = arg and
// r13 = entry; rsp is then 16-byte aligned, as the ABI wants before the call.
void* fiber_init(char* stack_top, void (*entry)(void*), void* arg) {
  uintptr_t top = reinterpret_cast<uintptr_t>(stack_top) & ~uintptr_t(15);
  uint64_t* sp = reinterpret_cast<uint64_t*>(top) - 9;  // 7 slots, placed so that sp + 7 is 16-byte aligned
  sp[0] = 0;                                            // r15
  sp[1] = 0;                                            // r14
  sp[2] = reinterpret_cast<uint64_t>(entry);            // r13
  sp[3] = reinterpret_cast<uint64_t>(arg);              // r12
  sp[4] = 0;                                            // rbx
  sp[5] = 0;                                            // rbp
  sp[6] = reinterpret_cast<uint64_t>(&hf_emu_ctx_entry);
  sp[7] = 0;
  sp[8] = 0;
  return sp;
}
}  // namespace hf::emu::rt
#else
#  error "hipforge emulator: the fiber switch is written for x86-64 only (port hf_emu_ctx_switch in kernels/emu/fiber.cpp)"
#endif

HF_EMU_RUNTIME_FILE_END
