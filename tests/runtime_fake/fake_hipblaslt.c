// A stand-in for libhipblaslt that records the call sequence of hipforge::runtime::hipblaslt: layouts, descriptor
// attributes, preference, heuristic queries and matmuls. It computes nothing; tests/runtime_fake_hip.rs checks what
// was asked for against the plan.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int status_t;
enum { ok = 0, invalid_value = 3 };

typedef struct { int type; uint64_t rows, cols; int64_t ld; int32_t batch; int64_t stride; } layout_t;
typedef struct { int compute, scale; int64_t attr[128]; int set[128]; } desc_t;
typedef struct { uint64_t max_ws; } pref_t;
typedef struct { uint8_t data[16]; size_t max_workspace_bytes; } algo_t;
typedef struct { algo_t algo; size_t workspaceSize; int state; float wavesCount; int reserved[4]; } heur_t;

static int handles, heuristic_calls, matmuls, live_descs;
static layout_t last_layouts[4];
static desc_t last_desc;
static uint64_t last_pref_ws;
static struct { int algo; float alpha, beta; uint64_t a, b, c, d, ws; size_t ws_size; void* stream; } last_mm;

status_t hipblasLtCreate(void** h) { *h = malloc(8); handles++; return ok; }
status_t hipblasLtDestroy(void* h) { free(h); handles--; return ok; }

status_t hipblasLtMatrixLayoutCreate(void** l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
  layout_t* p = calloc(1, sizeof *p);
  p->type = type; p->rows = rows; p->cols = cols; p->ld = ld; p->batch = 1;
  *l = p; live_descs++;
  return ok;
}
status_t hipblasLtMatrixLayoutDestroy(void* l) { free(l); live_descs--; return ok; }
status_t hipblasLtMatrixLayoutSetAttribute(void* l, int attr, const void* buf, size_t n) {
  layout_t* p = l;
  if (attr == 0 && n == 4) p->batch = *(const int32_t*)buf;
  else if (attr == 1 && n == 8) p->stride = *(const int64_t*)buf;
  else return invalid_value;
  return ok;
}

status_t hipblasLtMatmulDescCreate(void** d, int compute, int scale) {
  desc_t* p = calloc(1, sizeof *p);
  p->compute = compute; p->scale = scale;
  *d = p; live_descs++;
  return ok;
}
status_t hipblasLtMatmulDescDestroy(void* d) { free(d); live_descs--; return ok; }
status_t hipblasLtMatmulDescSetAttribute(void* d, int attr, const void* buf, size_t n) {
  desc_t* p = d;
  if (attr < 0 || attr >= 128 || n == 0 || n > 8) return invalid_value;
  int64_t v = 0;
  memcpy(&v, buf, n);
  p->attr[attr] = v; p->set[attr] = (int)n;
  return ok;
}

status_t hipblasLtMatmulPreferenceCreate(void** p) { *p = calloc(1, sizeof(pref_t)); live_descs++; return ok; }
status_t hipblasLtMatmulPreferenceDestroy(void* p) { free(p); live_descs--; return ok; }
status_t hipblasLtMatmulPreferenceSetAttribute(void* p, int attr, const void* buf, size_t n) {
  if (attr != 1 || n != 8) return invalid_value;
  ((pref_t*)p)->max_ws = *(const uint64_t*)buf;
  return ok;
}

// Three candidates: workspace 0, 1 KiB and 1 GiB (the last exceeds any sane limit and must be filtered out).
status_t hipblasLtMatmulAlgoGetHeuristic(void* h, void* desc, void* a, void* b, void* c, void* d, void* pref,
                                         int requested, heur_t* out, int* returned) {
  (void)h;
  heuristic_calls++;
  last_desc = *(desc_t*)desc;
  last_layouts[0] = *(layout_t*)a; last_layouts[1] = *(layout_t*)b;
  last_layouts[2] = *(layout_t*)c; last_layouts[3] = *(layout_t*)d;
  last_pref_ws = ((pref_t*)pref)->max_ws;
  const size_t ws[3] = {0, 1024, (size_t)1 << 30};
  int n = requested < 3 ? requested : 3;
  for (int i = 0; i < n; i++) {
    memset(&out[i], 0, sizeof out[i]);
    out[i].algo.data[0] = (uint8_t)(10 + i);
    out[i].workspaceSize = ws[i];
    out[i].wavesCount = 1.0f + i;
  }
  *returned = n;
  return ok;
}

status_t hipblasLtMatmul(void* h, void* desc, const void* alpha, const void* a, void* al, const void* b, void* bl,
                         const void* beta, const void* c, void* cl, void* d, void* dl, const algo_t* algo, void* ws,
                         size_t ws_size, void* stream) {
  (void)h; (void)al; (void)bl; (void)cl; (void)dl;
  matmuls++;
  last_desc = *(desc_t*)desc;
  last_mm.algo = algo->data[0];
  last_mm.alpha = *(const float*)alpha; last_mm.beta = *(const float*)beta;
  last_mm.a = (uint64_t)a; last_mm.b = (uint64_t)b; last_mm.c = (uint64_t)c; last_mm.d = (uint64_t)d;
  last_mm.ws = (uint64_t)ws; last_mm.ws_size = ws_size; last_mm.stream = stream;
  return ok;
}

// Inspection hooks for the test.
int fake_handles(void) { return handles; }
int fake_heuristic_calls(void) { return heuristic_calls; }
int fake_matmuls(void) { return matmuls; }
int fake_live_descs(void) { return live_descs; }
int64_t fake_desc_attr(int attr) { return last_desc.set[attr] ? last_desc.attr[attr] : -1; }
int fake_desc_compute(void) { return last_desc.compute; }
int fake_desc_scale(void) { return last_desc.scale; }
const layout_t* fake_layout(int i) { return &last_layouts[i]; }
uint64_t fake_pref_workspace(void) { return last_pref_ws; }
int fake_mm_algo(void) { return last_mm.algo; }
float fake_mm_alpha(void) { return last_mm.alpha; }
float fake_mm_beta(void) { return last_mm.beta; }
uint64_t fake_mm_ptr(int i) {
  switch (i) { case 0: return last_mm.a; case 1: return last_mm.b; case 2: return last_mm.c; case 3: return last_mm.d;
               default: return last_mm.ws; }
}
size_t fake_mm_ws_size(void) { return last_mm.ws_size; }
