// A stand-in for libamdhip64 with one "device" backed by host memory, so the HIP backend of hipforge::runtime can be
// exercised end to end on a machine without a GPU: every entry point it calls exists here, records what it was given,
// and behaves like the real one at the level of bytes (copies copy, allocations allocate, launches record).
//
// Built by tests/runtime_fake_hip.rs with -DGCN_ARCH_OFFSET=<offset of gcnArchName in hipDeviceProp_tR0600> (taken
// from the Rust struct: this tests the plumbing, not the layout, which tests/runtime_hip.rs checks against headers).
//
// Every call is also appended to a log (name, stream, pointer argument, and for launches the params struct), which
// the tests read through the fake_log_* hooks: which calls a run made, on which stream, what it allocated or freed.
// Stream capture is modelled as hipStreamCaptureModeGlobal: while a stream captures, calls that are not allowed
// during capture (allocation, free, synchronous copies and memsets, synchronization, module loading) fail with
// hipErrorStreamCaptureUnsupported, and stream work on any other stream fails with hipErrorStreamCaptureImplicit;
// captured launches, copies and memsets are recorded (not run), as a graph would hold them.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int hipError_t;
enum {
  ok = 0,
  invalid_value = 1,
  invalid_device = 101,
  invalid_handle = 400,
  not_found = 500,
  capture_unsupported = 900,
  capture_implicit = 906,
};

static int current_device = 0;
static int module_loads = 0;
static int live_allocations = 0;
static char last_kernel[256];
static unsigned last_dims[7];
static unsigned char last_params[PARAMS_BYTES];
static void* last_stream;

// ---- the call log ----
#define LOG_CAP 4096
#define LOG_PARAMS 272 /* the largest params struct (hf::GemmParams) */
typedef struct {
  char name[32];
  void* stream;
  void* ptr;
  int captured;  // queued into a capture instead of running
  unsigned char params[LOG_PARAMS];
} entry_t;
static entry_t call_log[LOG_CAP];
static int log_len;
static entry_t* log_call(const char* name, void* stream, void* ptr) {
  if (log_len >= LOG_CAP) return NULL;
  entry_t* e = &call_log[log_len++];
  memset(e, 0, sizeof *e);
  strncpy(e->name, name, sizeof e->name - 1);
  e->stream = stream;
  e->ptr = ptr;
  return e;
}

// ---- stream capture (global mode) ----
static void* capturing;  // the stream being captured, or NULL
static int capture_nodes;
// A call that may not run while any stream captures.
#define REFUSE_DURING_CAPTURE() \
  do {                          \
    if (capturing) return capture_unsupported; \
  } while (0)
// Stream work during a capture: allowed (and captured) only on the capturing stream.
static int captured_on(void* stream, hipError_t* err) {
  *err = ok;
  if (!capturing) return 0;
  if (stream != capturing) {
    *err = capture_implicit;
    return 0;
  }
  capture_nodes++;
  return 1;
}

hipError_t hipInit(unsigned flags) { return flags == 0 ? ok : invalid_value; }
hipError_t hipRuntimeGetVersion(int* v) { *v = 60443483; return ok; }
hipError_t hipDriverGetVersion(int* v) { *v = 60443483; return ok; }
const char* hipGetErrorName(hipError_t e) {
  switch (e) {
    case invalid_device: return "hipErrorInvalidDevice";
    case capture_unsupported: return "hipErrorStreamCaptureUnsupported";
    case capture_implicit: return "hipErrorStreamCaptureImplicit";
    default: return "hipErrorFake";
  }
}
const char* hipGetErrorString(hipError_t e) {
  switch (e) {
    case invalid_device: return "invalid device ordinal";
    case capture_unsupported: return "operation not permitted when stream is capturing";
    case capture_implicit: return "operation would make the legacy stream depend on a capturing blocking stream";
    default: return "fake error";
  }
}
hipError_t hipGetDeviceCount(int* n) { *n = 1; return ok; }
hipError_t hipSetDevice(int d) {
  log_call("hipSetDevice", NULL, NULL);
  if (d != 0) return invalid_device;
  current_device = d;
  return ok;
}
hipError_t hipDeviceSynchronize(void) {
  log_call("hipDeviceSynchronize", NULL, NULL);
  REFUSE_DURING_CAPTURE();
  return ok;
}

hipError_t hipGetDevicePropertiesR0600(void* prop, int device) {
  if (device != 0) return invalid_device;
  char* p = (char*)prop;
  strcpy(p, "Fake Instinct");                                   // name, offset 0
  *(size_t*)(p + 288) = (size_t)192 << 30;                      // totalGlobalMem
  *(size_t*)(p + 296) = 65536;                                  // sharedMemPerBlock
  *(int*)(p + 308) = 64;                                        // warpSize
  strcpy(p + GCN_ARCH_OFFSET, "gfx942:sramecc+:xnack-");        // gcnArchName
  return ok;
}

hipError_t hipMalloc(void** ptr, size_t n) {
  entry_t* e = log_call("hipMalloc", NULL, NULL);
  REFUSE_DURING_CAPTURE();
  *ptr = malloc(n ? n : 1);
  if (!*ptr) return 2;
  memset(*ptr, 0xA5, n);  // not zeroed, like device memory: alloc_zeroed must clear it
  live_allocations++;
  if (e) e->ptr = *ptr;
  return ok;
}
hipError_t hipFree(void* p) {
  log_call("hipFree", NULL, p);
  REFUSE_DURING_CAPTURE();
  if (p) { free(p); live_allocations--; }
  return ok;
}
hipError_t hipMemcpy(void* d, const void* s, size_t n, int kind) {
  (void)kind;
  log_call("hipMemcpy", NULL, d);
  REFUSE_DURING_CAPTURE();
  memmove(d, s, n);
  return ok;
}
hipError_t hipMemcpyAsync(void* d, const void* s, size_t n, int kind, void* st) {
  (void)kind;
  entry_t* e = log_call("hipMemcpyAsync", st, d);
  hipError_t err;
  if (captured_on(st, &err)) { if (e) e->captured = 1; return ok; }
  if (err) return err;
  last_stream = st;
  memmove(d, s, n);
  return ok;
}
hipError_t hipMemset(void* d, int v, size_t n) {
  log_call("hipMemset", NULL, d);
  REFUSE_DURING_CAPTURE();
  memset(d, v, n);
  return ok;
}
hipError_t hipMemsetAsync(void* d, int v, size_t n, void* st) {
  entry_t* e = log_call("hipMemsetAsync", st, d);
  hipError_t err;
  if (captured_on(st, &err)) { if (e) e->captured = 1; return ok; }
  if (err) return err;
  last_stream = st;
  memset(d, v, n);
  return ok;
}

static int live_streams = 0;
hipError_t hipStreamCreate(void** s) {
  *s = malloc(16);
  live_streams++;
  log_call("hipStreamCreate", *s, NULL);
  return ok;
}
hipError_t hipStreamDestroy(void* s) {
  log_call("hipStreamDestroy", s, NULL);
  if (s == NULL) return invalid_handle;
  free(s);
  live_streams--;
  return ok;
}
hipError_t hipStreamSynchronize(void* s) {
  log_call("hipStreamSynchronize", s, NULL);
  REFUSE_DURING_CAPTURE();
  return ok;
}
hipError_t hipStreamWaitEvent(void* s, void* e, unsigned flags) {
  entry_t* en = log_call("hipStreamWaitEvent", s, e);
  if (flags != 0) return invalid_value;
  hipError_t err;
  if (captured_on(s, &err)) { if (en) en->captured = 1; return ok; }
  return err;
}
hipError_t hipStreamBeginCapture(void* s, int mode) {
  log_call("hipStreamBeginCapture", s, NULL);
  if (mode != 0 || capturing || s == NULL) return invalid_value;  // the null stream cannot be captured
  capturing = s;
  capture_nodes = 0;
  return ok;
}
hipError_t hipStreamEndCapture(void* s, void** graph) {
  log_call("hipStreamEndCapture", s, NULL);
  if (s != capturing) return invalid_value;
  capturing = NULL;
  int* g = malloc(sizeof(int));
  *g = capture_nodes;
  *graph = g;
  return ok;
}
hipError_t hipGraphDestroy(void* g) { free(g); return ok; }

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
hipError_t hipEventCreate(void** e) { *e = calloc(1, sizeof(double)); return ok; }
hipError_t hipEventRecord(void* e, void* s) {
  entry_t* en = log_call("hipEventRecord", s, e);
  hipError_t err;
  if (captured_on(s, &err)) { if (en) en->captured = 1; return ok; }
  if (err) return err;
  *(double*)e = now_ms();
  return ok;
}
hipError_t hipEventSynchronize(void* e) {
  log_call("hipEventSynchronize", NULL, e);
  REFUSE_DURING_CAPTURE();
  return ok;
}
hipError_t hipEventElapsedTime(float* ms, void* a, void* b) { *ms = (float)(*(double*)b - *(double*)a); return ok; }
hipError_t hipEventDestroy(void* e) { free(e); return ok; }

hipError_t hipModuleLoadData(void** module, const void* image) {
  log_call("hipModuleLoadData", NULL, (void*)image);
  REFUSE_DURING_CAPTURE();
  // A code object is an ELF file.
  if (memcmp(image, "\x7f" "ELF", 4) != 0) return 200;
  module_loads++;
  *module = (void*)image;
  return ok;
}
hipError_t hipModuleGetFunction(void** f, void* module, const char* name) {
  (void)module;
  *f = strdup(name);
  return ok;
}
hipError_t hipModuleUnload(void* module) { (void)module; module_loads--; return ok; }
hipError_t hipModuleLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                 unsigned bz, unsigned shared, void* stream, void** params, void** extra) {
  if (extra != NULL || params == NULL) return invalid_value;
  entry_t* e = log_call("hipModuleLaunchKernel", stream, f);
  if (e) {
    // The params struct's size by kernel family (each asserted on both sides of the ABI).
    const char* k = (const char*)f;
    size_t n = strncmp(k, "hf_gemm", 7) == 0 ? 272 : strncmp(k, "hf_attn", 7) == 0 ? 248 : PARAMS_BYTES;
    memcpy(e->params, params[0], n < LOG_PARAMS ? n : LOG_PARAMS);
  }
  hipError_t err;
  if (captured_on(stream, &err)) {
    if (e) e->captured = 1;
    return ok;
  }
  if (err) return err;
  strncpy(last_kernel, (const char*)f, sizeof last_kernel - 1);
  unsigned dims[7] = {gx, gy, gz, bx, by, bz, shared};
  memcpy(last_dims, dims, sizeof dims);
  memcpy(last_params, params[0], sizeof last_params);
  last_stream = stream;
  return ok;
}

// Inspection hooks for the test (not HIP API).
const char* fake_last_kernel(void) { return last_kernel; }
const unsigned* fake_last_dims(void) { return last_dims; }
const unsigned char* fake_last_params(void) { return last_params; }
void* fake_last_stream(void) { return last_stream; }
int fake_module_loads(void) { return module_loads; }
int fake_live_allocations(void) { return live_allocations; }
int fake_live_streams(void) { return live_streams; }
int fake_log_len(void) { return log_len; }
void fake_log_clear(void) { log_len = 0; }
const char* fake_log_name(int i) { return i >= 0 && i < log_len ? call_log[i].name : ""; }
void* fake_log_stream(int i) { return i >= 0 && i < log_len ? call_log[i].stream : NULL; }
void* fake_log_ptr(int i) { return i >= 0 && i < log_len ? call_log[i].ptr : NULL; }
int fake_log_captured(int i) { return i >= 0 && i < log_len ? call_log[i].captured : 0; }
const unsigned char* fake_log_params(int i) { return i >= 0 && i < log_len ? call_log[i].params : NULL; }
int fake_graph_nodes(void* g) { return *(int*)g; }
