// kernels/emu/compat.cpp — compiler runtime functions that host code of the emulator needs and Debian 12's libgcc
// (GCC 12) lacks. Deliberately includes no hipforge header: builtins_cvt.hpp declares the same symbol inline for its
// own calls, and an inline definition is only emitted where the C++ code names it, not where the compiler lowers a
// plain `(__bf16)x` cast into a call. Weak, so a libgcc or compiler-rt that has them wins (same rounding).

// float -> bf16, round to nearest even; NaN stays NaN (quietened), sign kept.
extern "C" __attribute__((weak, no_sanitize("coverage"))) __bf16 __truncsfbf2(float x) {
  unsigned bits = __builtin_bit_cast(unsigned, x);
  unsigned short out;
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    out = (unsigned short)((bits >> 16) | 0x0040u);
  else
    out = (unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
  return __builtin_bit_cast(__bf16, out);
}
