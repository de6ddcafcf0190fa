// A stand-in for libamdhip64 with one "device" backed by host memory, so the HIP backend of hipforge::runtime can be
// exercised end to end on a machine without a GPU: every entry point it calls exists here, records what it was given,
// and behaves like the real one at the level of bytes (copies copy, allocations allocate, launches record).
//
// Built by tests/runtime_fake_hip.rs with -DGCN_ARCH_OFFSET=<offset of gcnArchName in hipDeviceProp_tR0600> (taken
// from the Rust struct: this tests the plumbing, not the layout, which tests/runtime_hip.rs checks against headers).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int hipError_t;
enum { ok = 0, invalid_value = 1, invalid_device = 101, not_found = 500 };

static int current_device = 0;
static int module_loads = 0;
static int live_allocations = 0;
static char last_kernel[256];
static unsigned last_dims[7];
static unsigned char last_params[PARAMS_BYTES];
static void* last_stream;

hipError_t hipInit(unsigned flags) { return flags == 0 ? ok : invalid_value; }
hipError_t hipRuntimeGetVersion(int* v) { *v = 60443483; return ok; }
hipError_t hipDriverGetVersion(int* v) { *v = 60443483; return ok; }
const char* hipGetErrorName(hipError_t e) { return e == invalid_device ? "hipErrorInvalidDevice" : "hipErrorFake"; }
const char* hipGetErrorString(hipError_t e) { return e == invalid_device ? "invalid device ordinal" : "fake error"; }
hipError_t hipGetDeviceCount(int* n) { *n = 1; return ok; }
hipError_t hipSetDevice(int d) { if (d != 0) return invalid_device; current_device = d; return ok; }
hipError_t hipDeviceSynchronize(void) { return ok; }

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
  *ptr = malloc(n ? n : 1);
  if (!*ptr) return 2;
  memset(*ptr, 0xA5, n);  // not zeroed, like device memory: alloc_zeroed must clear it
  live_allocations++;
  return ok;
}
hipError_t hipFree(void* p) { if (p) { free(p); live_allocations--; } return ok; }
hipError_t hipMemcpy(void* d, const void* s, size_t n, int kind) { (void)kind; memmove(d, s, n); return ok; }
hipError_t hipMemcpyAsync(void* d, const void* s, size_t n, int kind, void* st) {
  (void)kind; last_stream = st; memmove(d, s, n); return ok;
}
hipError_t hipMemset(void* d, int v, size_t n) { memset(d, v, n); return ok; }
hipError_t hipMemsetAsync(void* d, int v, size_t n, void* st) { last_stream = st; memset(d, v, n); return ok; }

hipError_t hipStreamCreate(void** s) { *s = malloc(16); return ok; }
hipError_t hipStreamDestroy(void* s) { free(s); return ok; }
hipError_t hipStreamSynchronize(void* s) { (void)s; return ok; }

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
hipError_t hipEventCreate(void** e) { *e = calloc(1, sizeof(double)); return ok; }
hipError_t hipEventRecord(void* e, void* s) { (void)s; *(double*)e = now_ms(); return ok; }
hipError_t hipEventSynchronize(void* e) { (void)e; return ok; }
hipError_t hipEventElapsedTime(float* ms, void* a, void* b) { *ms = (float)(*(double*)b - *(double*)a); return ok; }
hipError_t hipEventDestroy(void* e) { free(e); return ok; }

hipError_t hipModuleLoadData(void** module, const void* image) {
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
