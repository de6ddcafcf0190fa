// tests/emu/cvt_codes.cpp — the conversion builtins (builtins_cvt.hpp) against numerics.md, for the compiled arch.
//
// Always: all 256 codes of the arch's fp8 and bf8 decode to the value of the spec's format table (an independent
// formula below); every finite code round-trips through the f32→fp8 builtins; ties go to even; overflow follows the
// emulator's stated ASSUMPTION (non-saturating: NaN for e4m3 and FNUZ, ±Inf for OCP e5m2 — docs/emulator-builtins.md,
// unknown for gfx942 hardware); byte/word selects keep the other bytes; stochastic rounding picks a neighbour;
// gfx950's scalef32 forms divide/multiply by the scale's power of two; bf16/f16 casts are RNE; fmed3, exp2, rcp.
// With a table argument (written by tests/emu_cvt_dtype.rs from hipforge::dtype): every decode of all 256 codes and
// every encode of the table's inputs must equal the Rust dtype module's (NaN compared as NaN: the sign of a NaN
// produced by overflow is not modelled by the Rust type).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "check.hpp"
#include "hipforge/device.hpp"

#if defined(__gfx942__)
static constexpr bool kGfx942 = true;
#else
static constexpr bool kGfx942 = false;
#endif

// The spec's format table (numerics.md §1 / mfma.md §5), restated for the test: value of `code`.
static double spec_value(int code, int ebits, int mbits, int bias, bool fnuz, bool ieee_specials) {
  const int sign = code >> 7, e = (code >> mbits) & ((1 << ebits) - 1), m = code & ((1 << mbits) - 1);
  if (fnuz && code == 0x80) return NAN;
  if (!fnuz && !ieee_specials && (code & 0x7F) == 0x7F) return NAN;  // e4m3fn
  if (ieee_specials && e == (1 << ebits) - 1) return m ? NAN : (sign ? -INFINITY : INFINITY);
  double mag = e == 0 ? m * std::pow(2.0, 1 - bias - mbits) : (1.0 + m / double(1 << mbits)) * std::pow(2.0, e - bias);
  return sign ? -mag : mag;
}
static double fp8_value(int c) { return kGfx942 ? spec_value(c, 4, 3, 8, true, false) : spec_value(c, 4, 3, 7, false, false); }
static double bf8_value(int c) { return kGfx942 ? spec_value(c, 5, 2, 16, true, false) : spec_value(c, 5, 2, 15, false, true); }

static bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

static int enc_fp8(float x) { return __builtin_amdgcn_cvt_pk_fp8_f32(x, 0.0f, 0, false) & 0xFF; }
static int enc_bf8(float x) { return __builtin_amdgcn_cvt_pk_bf8_f32(x, 0.0f, 0, false) & 0xFF; }

static void test_decode_all_codes() {
  HF_SECTION("decode: all 256 codes of fp8 and bf8");
  int bad8 = 0, badb = 0, badpk = 0;
  for (int c = 0; c < 256; ++c) {
    bad8 += !same(__builtin_amdgcn_cvt_f32_fp8(c << 16, 2), fp8_value(c));
    badb += !same(__builtin_amdgcn_cvt_f32_bf8(c << 8, 1), bf8_value(c));
    const auto pk = __builtin_amdgcn_cvt_pk_f32_fp8(int(0xAB00CD00u) | (c << 16) | c, true);  // word 1: bytes 2, 3
    badpk += !same(pk[0], fp8_value(c)) || !same(pk[1], fp8_value(0xAB));
  }
  HF_CHECK(bad8 == 0, "%d fp8 codes decode wrongly on gfx%d", bad8, kGfx942 ? 942 : 950);
  HF_CHECK(badb == 0, "%d bf8 codes decode wrongly", badb);
  HF_CHECK(badpk == 0, "%d cvt_pk_f32_fp8 word-1 decodes wrong", badpk);
  // The same byte means different things per arch (mfma.md §5): 0x40 is 1.0 (FNUZ) or 2.0 (OCP); 0x80 NaN or -0.
  HF_CHECK(__builtin_amdgcn_cvt_f32_fp8(0x40, 0) == (kGfx942 ? 1.0f : 2.0f), "fp8 0x40 per arch");
  const float m = __builtin_amdgcn_cvt_f32_fp8(0x80, 0);
  HF_CHECK(kGfx942 ? std::isnan(m) : (m == 0.0f && std::signbit(m)), "fp8 0x80: NaN on gfx942, -0 on gfx950");
}

static void test_encode() {
  HF_SECTION("encode: round trip, ties, overflow, specials, selects");
  int bad = 0;
  for (int c = 0; c < 256; ++c) {
    const double v8 = fp8_value(c), vb = bf8_value(c);
    if (std::isfinite(v8)) bad += enc_fp8(float(v8)) != c;
    if (std::isfinite(vb)) bad += enc_bf8(float(vb)) != c;
  }
  HF_CHECK(bad == 0, "%d finite codes do not round-trip", bad);
  // Ties between neighbours c, c+1 (positive, finite): RNE picks the even code; just above picks c+1.
  int tie_bad = 0;
  for (int c = 1; c < 0x7E; ++c) {
    const double lo = fp8_value(c), hi = fp8_value(c + 1);
    if (!std::isfinite(hi)) continue;
    const float mid = float((lo + hi) / 2);
    tie_bad += enc_fp8(mid) != ((c % 2 == 0) ? c : c + 1);
    tie_bad += enc_fp8(std::nextafter(mid, 1e9f)) != c + 1;
    tie_bad += enc_fp8(std::nextafter(mid, -1e9f)) != c;
  }
  HF_CHECK(tie_bad == 0, "%d tie/near-tie cases wrong", tie_bad);
  // Overflow (ASSUMPTION, non-saturating) and specials.
  if (kGfx942) {
    HF_CHECK(enc_fp8(247.0f) == 0x7F, "247 rounds down to 240");
    HF_CHECK(enc_fp8(248.0f) == 0x80 && enc_fp8(-1e6f) == 0x80, "FNUZ e4m3 overflow -> NaN 0x80 (assumption)");
    HF_CHECK(enc_bf8(61440.0f) == 0x80, "FNUZ e5m2 overflow -> NaN 0x80 (assumption)");
    HF_CHECK(enc_fp8(INFINITY) == 0x80 && enc_fp8(NAN) == 0x80, "Inf, NaN -> 0x80");
    HF_CHECK(enc_fp8(-0.0f) == 0x00, "FNUZ has no -0: -0 -> 0x00");
  } else {
    HF_CHECK(enc_fp8(464.0f) == 0x7E, "464 ties to even 448");
    HF_CHECK(enc_fp8(465.0f) == 0x7F && enc_fp8(-465.0f) == 0xFF, "e4m3 overflow -> NaN (assumption)");
    HF_CHECK(enc_bf8(61440.0f) == 0x7C && enc_bf8(-61440.0f) == 0xFC, "e5m2 overflow -> Inf (assumption)");
    HF_CHECK(enc_bf8(INFINITY) == 0x7C && enc_fp8(INFINITY) == 0x7F, "Inf -> Inf (e5m2) / NaN (e4m3)");
    HF_CHECK((enc_bf8(NAN) & 0x7F) > 0x7C, "NaN -> a bf8 NaN");
    HF_CHECK(enc_fp8(-0.0f) == 0x80, "OCP keeps -0");
  }
  // Word select keeps the other word; both bytes of the word are written (a to the low byte).
  const int w = __builtin_amdgcn_cvt_pk_fp8_f32(1.0f, 2.0f, int(0x12345678u), true);
  const int one = enc_fp8(1.0f), two = enc_fp8(2.0f);
  HF_CHECK(uint32_t(w) == (0x5678u | uint32_t(one) << 16 | uint32_t(two) << 24), "word_sel=1: %08x", unsigned(w));
  const int w0 = __builtin_amdgcn_cvt_pk_bf8_f32(1.0f, 2.0f, int(0x12345678u), false);
  HF_CHECK(uint32_t(w0) >> 16 == 0x1234u, "word_sel=0 keeps the high word: %08x", unsigned(w0));
}

static void test_stochastic() {
  HF_SECTION("stochastic rounding");
  // 1.0 + quarter ulp of fp8 near 1 (ulp = 2^-3 in both e4m3 flavours at 1.0 for OCP; FNUZ same mantissa width).
  const float x = 1.0f + 0.25f * 0.125f;
  const int down = enc_fp8(1.0f), up = enc_fp8(1.125f);
  const int r0 = __builtin_amdgcn_cvt_sr_fp8_f32(x, 0, 0, 0) & 0xFF;
  const int r1 = __builtin_amdgcn_cvt_sr_fp8_f32(x, int(0xFFFFFFFFu), 0, 0) & 0xFF;
  HF_CHECK(r0 == down, "rng 0 truncates: %02x vs %02x", r0, down);
  HF_CHECK(r1 == up, "rng max rounds up: %02x vs %02x", r1, up);
  int ups = 0;
  for (unsigned i = 0; i < 1024; ++i) ups += (__builtin_amdgcn_cvt_sr_fp8_f32(x, int(i * 4194304u), 0, 0) & 0xFF) == up;
  HF_CHECK(ups == 256, "a quarter-ulp fraction rounds up for a quarter of uniform rng words: %d of 1024", ups);
  const int sel = __builtin_amdgcn_cvt_sr_bf8_f32(2.0f, 12345, int(0x11223344u), 2);
  HF_CHECK((uint32_t(sel) & 0xFF00FFFFu) == 0x11003344u && ((uint32_t(sel) >> 16) & 0xFF) == uint32_t(enc_bf8(2.0f)),
           "byte_sel=2 writes byte 2 only: %08x", unsigned(sel));
}

#if defined(__gfx950__)
static void test_scalef32() {
  HF_SECTION("gfx950 scalef32 forms");
  const float s16 = 16.0f;  // exponent field 131 → 2^4
  int bad = 0;
  for (int c = 0; c < 256; ++c) {
    const double v = fp8_value(c), vb = bf8_value(c);
    if (std::isfinite(v)) {
      typedef short v2s __attribute__((__vector_size__(4)));
      v2s o = {0, 0};
      v2s r = __builtin_amdgcn_cvt_scalef32_pk_fp8_f32(o, float(v * 16), float(v * 16), s16, false);
      bad += (r[0] & 0xFF) != c;
      const int sr = __builtin_amdgcn_cvt_scalef32_sr_fp8_f32(0u, float(v * 16), 0x9999u, s16, 1);
      bad += ((sr >> 8) & 0xFF) != c;
      bad += __builtin_amdgcn_cvt_scalef32_f32_fp8(unsigned(c) << 24, 0.25f, 3) != float(v / 4);
      typedef _Float16 v2h __attribute__((__vector_size__(4)));
      v2h h = {_Float16(v), _Float16(-v)};
      if (std::fabs(v) <= 65504) {
        v2s rh = __builtin_amdgcn_cvt_scalef32_pk_fp8_f16(o, h, 1.0f, true);
        bad += (rh[1] & 0xFF) != c;
      }
    }
    if (std::isfinite(vb)) {
      typedef short v2s __attribute__((__vector_size__(4)));
      v2s o = {0, 0};
      v2s r = __builtin_amdgcn_cvt_scalef32_pk_bf8_f32(o, float(vb / 4), 0.0f, 0.25f, false);
      bad += (r[0] & 0xFF) != c;
      const auto pk = __builtin_amdgcn_cvt_scalef32_pk_f32_bf8(unsigned(c) << 16, 2.0f, true);
      bad += pk[0] != float(vb * 2);
      const auto pb = __builtin_amdgcn_cvt_scalef32_pk_bf16_fp8(unsigned(c), 1.0f, false);
      if (std::isfinite(fp8_value(c))) bad += float(pb[0]) != float(fp8_value(c));
    }
  }
  HF_CHECK(bad == 0, "%d scalef32 conversions wrong", bad);
  // Non-saturating per the ISA (numerics.md §2): 449·2 with scale 2 is still an e4m3 overflow → NaN.
  typedef short v2s __attribute__((__vector_size__(4)));
  v2s o = {0, 0};
  v2s r = __builtin_amdgcn_cvt_scalef32_pk_fp8_f32(o, 1000.0f, -1e5f, 2.0f, false);
  HF_CHECK((r[0] & 0x7F) == 0x7F && ((r[0] >> 8) & 0x7F) == 0x7F, "scalef32 fp8 overflow is NaN: %04x", r[0] & 0xFFFF);
  // Only the exponent of the scale counts: 3.0 acts as 2.0.
  HF_CHECK(__builtin_amdgcn_cvt_scalef32_f32_fp8(0x38u, 3.0f, 0) == 2.0f, "scale 3.0 uses its exponent (2^1)");
}
#endif

static void test_casts_and_math() {
  HF_SECTION("bf16/f16 casts and math builtins");
  HF_CHECK(float(__bf16(1.0f + 0x1p-8f)) == 1.0f, "bf16 tie to even (down)");
  HF_CHECK(float(__bf16(1.0f + 0x1p-7f + 0x1p-8f)) == 1.0f + 0x1p-6f, "bf16 tie to even (up)");
  HF_CHECK(float(__bf16(1.0f + 0x1p-8f + 0x1p-20f)) == 1.0f + 0x1p-7f, "bf16 above the tie rounds up");
  volatile float run_time = 1.0f + 0x1p-7f + 0x1p-8f;  // not constant-folded: links and runs __truncsfbf2
  HF_CHECK(float(__bf16(run_time)) == 1.0f + 0x1p-6f, "run-time float->bf16 cast (RNE)");
  HF_CHECK(float(_Float16(1.0f + 0x1p-11f)) == 1.0f, "f16 tie to even");
  HF_CHECK(float(_Float16(70000.0f)) == INFINITY, "f16 overflow is Inf");
  HF_CHECK(__builtin_amdgcn_fmed3f(5.0f, -1.0f, 2.0f) == 2.0f, "med3");
  HF_CHECK(__builtin_amdgcn_fmed3f(NAN, -240.0f, 240.0f) == -240.0f, "med3 with NaN is min3 of the others");
  HF_CHECK(__builtin_amdgcn_fmed3f(1e9f, -240.0f, 240.0f) == 240.0f, "med3 clamps");
  HF_CHECK(__builtin_amdgcn_exp2f(3.0f) == 8.0f && __builtin_amdgcn_exp2f(-INFINITY) == 0.0f, "exp2");
  HF_CHECK(__builtin_amdgcn_rcpf(4.0f) == 0.25f, "rcp");
  HF_CHECK(__builtin_amdgcn_ldexpf(3.0f, 4) == 48.0f, "ldexp");
  HF_CHECK(__builtin_amdgcn_frexp_expf(48.0f) == 6 && __builtin_amdgcn_frexp_mantf(48.0f) == 0.75f, "frexp");
}

// Cross-check against hipforge::dtype through a table file (see the header comment).
static void test_rust_table(const char* path) {
  HF_SECTION("against hipforge::dtype (Rust)");
  FILE* f = std::fopen(path, "r");
  HF_CHECK(f != nullptr, "table %s opens", path);
  if (!f) return;
  // Lines: "D fmt code f32bits" or "E fmt f32bits code". fmt: 0 e4m3 OCP, 1 e5m2 OCP, 2 e4m3 FNUZ, 3 e5m2 FNUZ.
  char kind;
  unsigned fmt, x, y;
  long n_dec = 0, n_enc = 0, bad_dec = 0, bad_enc = 0;
  while (std::fscanf(f, " %c %u %x %x", &kind, &fmt, &x, &y) == 4) {
    const bool mine = kGfx942 ? fmt >= 2 : fmt < 2;
    if (!mine) continue;
    const bool is_fp8 = fmt == 0 || fmt == 2;
    auto decode = [&](unsigned code) {
      return double(is_fp8 ? __builtin_amdgcn_cvt_f32_fp8(int(code), 0) : __builtin_amdgcn_cvt_f32_bf8(int(code), 0));
    };
    if (kind == 'D') {
      float want;
      std::memcpy(&want, &y, 4);
      ++n_dec;
      if (!same(decode(x), want)) {
        if (++bad_dec <= 5) printf("  decode fmt %u code %02x: got %g, dtype %g\n", fmt, x, decode(x), want);
      }
      // The packed and (gfx950) scaled decodes of the same code, scale 1.
      const auto pk = is_fp8 ? __builtin_amdgcn_cvt_pk_f32_fp8(int(x << 16), true)
                             : __builtin_amdgcn_cvt_pk_f32_bf8(int(x << 16), true);
      if (!same(pk[0], want)) ++bad_dec;
#if defined(__gfx950__)
      const float sc = is_fp8 ? __builtin_amdgcn_cvt_scalef32_f32_fp8(x << 8, 1.0f, 1)
                              : __builtin_amdgcn_cvt_scalef32_f32_bf8(x << 8, 1.0f, 1);
      if (!same(sc, want)) ++bad_dec;
#endif
    } else {
      float in;
      std::memcpy(&in, &x, 4);
      const unsigned got = unsigned(is_fp8 ? enc_fp8(in) : enc_bf8(in));
      ++n_enc;
      const bool ok = got == y || (std::isnan(decode(got)) && std::isnan(decode(y)));
      if (!ok && ++bad_enc <= 5) printf("  encode fmt %u x=%a: got %02x, dtype %02x\n", fmt, double(in), got, y);
#if defined(__gfx950__)
      // The scalef32 form with scale 1.0 must agree too.
      typedef short v2s __attribute__((__vector_size__(4)));
      v2s o = {0, 0};
      v2s r = is_fp8 ? __builtin_amdgcn_cvt_scalef32_pk_fp8_f32(o, in, 0.0f, 1.0f, false)
                     : __builtin_amdgcn_cvt_scalef32_pk_bf8_f32(o, in, 0.0f, 1.0f, false);
      const unsigned gs = unsigned(r[0] & 0xFF);
      if (!(gs == y || (std::isnan(decode(gs)) && std::isnan(decode(y))))) ++bad_enc;
#endif
    }
  }
  std::fclose(f);
  HF_CHECK(n_dec == 512 && n_enc > 1000, "table covers both formats: %ld decodes, %ld encodes", n_dec, n_enc);
  HF_CHECK(bad_dec == 0, "%ld decodes differ from hipforge::dtype", bad_dec);
  HF_CHECK(bad_enc == 0, "%ld encodes differ from hipforge::dtype", bad_enc);
}

int main(int argc, char** argv) {
  test_decode_all_codes();
  test_encode();
  test_stochastic();
#if defined(__gfx950__)
  test_scalef32();
#endif
  test_casts_and_math();
  if (argc > 1) test_rust_table(argv[1]);
  return hf::test::summary();
}
