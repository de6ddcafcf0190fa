// tests/emu/check.hpp — the tiny harness of the emulator's C++ tests.
//
//   HF_CHECK(cond, "printf format", args...)   counts one check; on failure prints file:line, the condition and the
//                                             message
//   HF_SECTION("name")                         prints a heading (helps find a failure in the output)
//   return hf::test::summary();                prints "N passed, M failed" and returns the exit code (1 on failure)
//
// tests/emulator.rs compiles every tests/emu/*.cpp for gfx942 and gfx950, runs it, and fails on a non-zero exit.
#pragma once

#include <stdarg.h>
#include <stdio.h>

namespace hf::test {

struct Tally {
  long passed = 0, failed = 0;
};
inline Tally& tally() {
  static Tally t;
  return t;
}

__attribute__((format(printf, 5, 6))) inline bool record(bool ok, const char* file, int line, const char* expr,
                                                          const char* fmt = nullptr, ...) {
  if (ok) {
    ++tally().passed;
    return true;
  }
  ++tally().failed;
  fprintf(stdout, "FAIL %s:%d: %s", file, line, expr);
  if (fmt) {
    fputs(" -- ", stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
  }
  fputc('\n', stdout);
  fflush(stdout);
  return false;
}

inline int summary() {
  printf("%ld passed, %ld failed\n", tally().passed, tally().failed);
  fflush(stdout);
  return tally().failed ? 1 : 0;
}

}  // namespace hf::test

#define HF_CHECK(cond, ...) ::hf::test::record(static_cast<bool>(cond), __FILE__, __LINE__, #cond, ##__VA_ARGS__)
#define HF_SECTION(name) (printf("== %s\n", name), fflush(stdout))
