// A stand-in for libhipblaslt, written from hipBLASLt's documented semantics (hipblaslt.h), so the hipBLASLt path of
// hipforge (gemm::hipblaslt -> runtime::hipblaslt) runs end to end without a GPU, together with the fake HIP runtime
// of tests/runtime_fake (device memory is host memory there, so this library can read and write it directly).
//
// What it models:
//   - every matrix column-major: element (r, c) of batch b at b*stride + r + c*ld;
//   - D = act(alpha * sa * sb * op(A)op(B) + beta * C + bias): scalar scales multiply everything, OUTER_VEC_32F scales
//     are one per row of op(A) (sa[i]) and one per column of op(B) (sb[j]); the bias is one f32 per row of D, shared
//     by every batch (BIAS_BATCH_STRIDE = 0); GELU is the tanh form, SWISH is x*sigmoid(x);
//   - computes for bf16 A/B with f32 or bf16 C/D and f32 alpha/beta; any other combination is accepted by the
//     heuristic and recorded by the matmul, which then writes nothing.
// Attribute sizes are checked like the real library does (a wrong size is HIPBLAS_STATUS_INVALID_VALUE).
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { SUCCESS = 0, INVALID_VALUE = 3, NOT_SUPPORTED = 7 };
enum { R_32F = 0, R_16BF = 14 };
enum { OP_N = 111, OP_T = 112 };

typedef struct {
  int type;
  uint64_t rows, cols;
  int64_t ld;
  int32_t batch;
  int64_t stride;
} Layout;

typedef struct {
  int compute, scale_type;
  int32_t trans[2];
  uint32_t epilogue;
  const void* bias;
  int32_t bias_type;
  const void* scale[4];  // A, B, C, D
  const void* amax;
  uint32_t mode[2];      // A, B scale modes
} Desc;

typedef struct {
  uint64_t max_workspace;
} Pref;

static int heuristic_calls, matmuls, computed;
static Desc last_desc;
static Layout last_layouts[4];
static const void* last_ptrs[4];
static float last_alpha, last_beta;

int hipblasLtCreate(void** h) { *h = malloc(8); return SUCCESS; }
int hipblasLtDestroy(void* h) { free(h); return SUCCESS; }
int hipblasLtGetVersion(void* h, int* v) { (void)h; *v = 100000; return SUCCESS; }

int hipblasLtMatrixLayoutCreate(void** l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
  Layout* p = calloc(1, sizeof(Layout));
  p->type = type; p->rows = rows; p->cols = cols; p->ld = ld; p->batch = 1; p->stride = 0;
  *l = p;
  return SUCCESS;
}
int hipblasLtMatrixLayoutDestroy(void* l) { free(l); return SUCCESS; }
int hipblasLtMatrixLayoutSetAttribute(void* l, int attr, const void* buf, size_t n) {
  Layout* p = l;
  if (attr == 0 && n == 4) { memcpy(&p->batch, buf, 4); return SUCCESS; }
  if (attr == 1 && n == 8) { memcpy(&p->stride, buf, 8); return SUCCESS; }
  return INVALID_VALUE;
}

int hipblasLtMatmulDescCreate(void** d, int compute, int scale_type) {
  Desc* p = calloc(1, sizeof(Desc));
  p->compute = compute; p->scale_type = scale_type;
  p->trans[0] = p->trans[1] = OP_N; p->epilogue = 1;
  *d = p;
  return SUCCESS;
}
int hipblasLtMatmulDescDestroy(void* d) { free(d); return SUCCESS; }
int hipblasLtMatmulDescSetAttribute(void* d, int attr, const void* buf, size_t n) {
  Desc* p = d;
  switch (attr) {
    case 0: case 1: if (n != 4) return INVALID_VALUE; memcpy(&p->trans[attr], buf, 4); return SUCCESS;
    case 2: if (n != 4) return INVALID_VALUE; memcpy(&p->epilogue, buf, 4); return SUCCESS;
    case 3: if (n != sizeof(void*)) return INVALID_VALUE; memcpy(&p->bias, buf, n); return SUCCESS;
    case 4: if (n != 4) return INVALID_VALUE; memcpy(&p->bias_type, buf, 4); return SUCCESS;
    case 5: case 6: case 7: case 8:
      if (n != sizeof(void*)) return INVALID_VALUE; memcpy(&p->scale[attr - 5], buf, n); return SUCCESS;
    case 14: if (n != sizeof(void*)) return INVALID_VALUE; memcpy(&p->amax, buf, n); return SUCCESS;
    case 31: case 32: if (n != 4) return INVALID_VALUE; memcpy(&p->mode[attr - 31], buf, 4); return SUCCESS;
    default: return INVALID_VALUE;
  }
}

int hipblasLtMatmulPreferenceCreate(void** p) { *p = calloc(1, sizeof(Pref)); return SUCCESS; }
int hipblasLtMatmulPreferenceDestroy(void* p) { free(p); return SUCCESS; }
int hipblasLtMatmulPreferenceSetAttribute(void* p, int attr, const void* buf, size_t n) {
  if (attr != 1 || n != 8) return INVALID_VALUE;
  memcpy(&((Pref*)p)->max_workspace, buf, 8);
  return SUCCESS;
}

// hipblasLtMatmulHeuristicResult_t: algo {uint8 data[16]; size_t max_workspace_bytes}, size_t workspaceSize,
// int state, float wavesCount, int reserved[4] (56 bytes).
typedef struct {
  uint8_t data[16];
  size_t max_workspace_bytes;
  size_t workspace;
  int state;
  float waves;
  int reserved[4];
} Heuristic;

int hipblasLtMatmulAlgoGetHeuristic(void* h, void* desc, void* a, void* b, void* c, void* d, void* pref,
                                    int requested, Heuristic* results, int* returned) {
  (void)h; (void)desc; (void)a; (void)b; (void)c; (void)d; (void)pref;
  if (requested <= 0) return INVALID_VALUE;
  heuristic_calls++;
  memset(results, 0, sizeof(Heuristic));
  results[0].data[0] = 42;
  results[0].waves = 1.0f;
  *returned = 1;
  return SUCCESS;
}

static double bf16_at(const void* p, int64_t i) {
  uint32_t bits = (uint32_t)((const uint16_t*)p)[i] << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}
static double load(int type, const void* p, int64_t i) {
  return type == R_16BF ? bf16_at(p, i) : ((const float*)p)[i];
}
static void store(int type, void* p, int64_t i, double v) {
  float f = (float)v;
  if (type == R_32F) { ((float*)p)[i] = f; return; }
  uint32_t bits;
  memcpy(&bits, &f, 4);
  bits += 0x7FFF + ((bits >> 16) & 1);  // round to nearest even (finite values only)
  ((uint16_t*)p)[i] = (uint16_t)(bits >> 16);
}
static double activate(uint32_t ep, double x) {
  switch (ep & ~4u) {  // bit 2 is "add the bias"
    case 2: return x > 0 ? x : 0;
    case 32: return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case 65536: return x / (1 + exp(-x));
    default: return x;
  }
}

int hipblasLtMatmul(void* h, void* desc, const void* alpha, const void* A, void* la, const void* B, void* lb,
                    const void* beta, const void* C, void* lc, void* D, void* ld_, const void* algo, void* ws,
                    size_t ws_size, void* stream) {
  (void)h; (void)ws; (void)ws_size; (void)stream;
  const Desc* p = desc;
  const Layout *a = la, *b = lb, *c = lc, *d = ld_;
  if (algo == NULL || ((const uint8_t*)algo)[0] != 42) return INVALID_VALUE;
  matmuls++;
  last_desc = *p;
  last_layouts[0] = *a; last_layouts[1] = *b; last_layouts[2] = *c; last_layouts[3] = *d;
  last_ptrs[0] = A; last_ptrs[1] = B; last_ptrs[2] = C; last_ptrs[3] = D;
  if (p->scale_type != R_32F) return SUCCESS;
  memcpy(&last_alpha, alpha, 4);
  memcpy(&last_beta, beta, 4);
  if (a->type != R_16BF || b->type != R_16BF || (d->type != R_32F && d->type != R_16BF) || c->type != d->type)
    return SUCCESS;
  computed++;
  const int ta = p->trans[0] == OP_T, tb = p->trans[1] == OP_T;
  const int64_t M = d->rows, N = d->cols, K = ta ? a->rows : a->cols;
  for (int64_t bt = 0; bt < d->batch; bt++) {
    for (int64_t j = 0; j < N; j++) {
      for (int64_t i = 0; i < M; i++) {
        double acc = 0;
        for (int64_t k = 0; k < K; k++) {
          int64_t ia = bt * a->stride + (ta ? k + i * a->ld : i + k * a->ld);
          int64_t ib = bt * b->stride + (tb ? j + k * b->ld : k + j * b->ld);
          acc += bf16_at(A, ia) * bf16_at(B, ib);
        }
        double sa = 1, sb = 1;
        if (p->scale[0]) sa = ((const float*)p->scale[0])[p->mode[0] == 3 ? i : 0];
        if (p->scale[1]) sb = ((const float*)p->scale[1])[p->mode[1] == 3 ? j : 0];
        double v = (double)last_alpha * sa * sb * acc;
        if (last_beta != 0) v += (double)last_beta * load(c->type, C, bt * c->stride + i + j * c->ld);
        if (p->epilogue & 4) v += ((const float*)p->bias)[i];
        store(d->type, D, bt * d->stride + i + j * d->ld, activate(p->epilogue, v));
      }
    }
  }
  return SUCCESS;
}

// Inspection hooks for the test (not hipBLASLt API).
int fake_lt_heuristic_calls(void) { return heuristic_calls; }
int fake_lt_matmuls(void) { return matmuls; }
int fake_lt_computed(void) { return computed; }
int fake_lt_last_trans(int which) { return last_desc.trans[which]; }
uint32_t fake_lt_last_epilogue(void) { return last_desc.epilogue; }
uint32_t fake_lt_last_scale_mode(int which) { return last_desc.mode[which]; }
const void* fake_lt_last_scale_ptr(int which) { return last_desc.scale[which]; }
const void* fake_lt_last_bias(void) { return last_desc.bias; }
const void* fake_lt_last_ptr(int which) { return last_ptrs[which]; }
int fake_lt_last_type(int which) { return last_layouts[which].type; }
int fake_lt_last_compute(void) { return last_desc.compute; }
float fake_lt_last_alpha(void) { return last_alpha; }
float fake_lt_last_beta(void) { return last_beta; }
int fake_lt_last_scale_type(void) { return last_desc.scale_type; }
// Field of the last matmul's layout `which` (A, B, C, D): 0 rows, 1 cols, 2 ld, 3 batch count, 4 batch stride.
int64_t fake_lt_last_layout(int which, int field) {
  const Layout* l = &last_layouts[which];
  switch (field) {
    case 0: return (int64_t)l->rows;
    case 1: return (int64_t)l->cols;
    case 2: return l->ld;
    case 3: return l->batch;
    default: return l->stride;
  }
}
