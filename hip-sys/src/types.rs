//! Types and constants of the ROCm 6/7 ABI (the subset hipforge uses), committed so the crate builds with no ROCm.
//!
//! Values were checked against the ROCm 6.x/7.x headers (`hip_runtime_api.h`, `library_types.h`,
//! `hipblas-common.h`, `hipblaslt.h`). When headers are installed, `build.rs` also generates
//! [`crate::installed`] from them, and hipforge's tests compare the two.

#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint, c_void};

// ---------------------------------------------------------------- HIP runtime

/// `hipError_t` (a C enum; all values are non-negative).
pub type hipError_t = c_int;
/// No error.
pub const hipSuccess: hipError_t = 0;
/// An argument is invalid.
pub const hipErrorInvalidValue: hipError_t = 1;
/// Out of device memory.
pub const hipErrorOutOfMemory: hipError_t = 2;
/// The runtime is not initialized.
pub const hipErrorNotInitialized: hipError_t = 3;
/// The driver is older than the runtime needs.
pub const hipErrorInsufficientDriver: hipError_t = 35;
/// The kernel image has no function of that name / for that device.
pub const hipErrorInvalidDeviceFunction: hipError_t = 98;
/// No HIP-capable device.
pub const hipErrorNoDevice: hipError_t = 100;
/// Invalid device ordinal.
pub const hipErrorInvalidDevice: hipError_t = 101;
/// The code object is not valid.
pub const hipErrorInvalidImage: hipError_t = 200;
/// No code object for the device's ISA.
pub const hipErrorNoBinaryForGpu: hipError_t = 209;
/// A named symbol was not found.
pub const hipErrorNotFound: hipError_t = 500;
/// Asynchronous work has not completed (from query functions).
pub const hipErrorNotReady: hipError_t = 600;
/// A kernel launch failed.
pub const hipErrorLaunchFailure: hipError_t = 719;
/// Unknown error.
pub const hipErrorUnknown: hipError_t = 999;

/// `hipMemcpyKind`.
pub type hipMemcpyKind = c_int;
/// Host to host.
pub const hipMemcpyHostToHost: hipMemcpyKind = 0;
/// Host to device.
pub const hipMemcpyHostToDevice: hipMemcpyKind = 1;
/// Device to host.
pub const hipMemcpyDeviceToHost: hipMemcpyKind = 2;
/// Device to device.
pub const hipMemcpyDeviceToDevice: hipMemcpyKind = 3;
/// Inferred from the pointers.
pub const hipMemcpyDefault: hipMemcpyKind = 4;

/// `hipDeviceAttribute_t` (an `int`-sized C enum). Only attributes whose values are the same in HIP 5.x, 6.x and 7.x
/// are listed (tests/runtime_hip.rs checks them against the installed headers).
pub type hipDeviceAttribute_t = c_int;
/// Peak shader clock, kHz.
pub const hipDeviceAttributeClockRate: hipDeviceAttribute_t = 5;
/// L2 cache bytes.
pub const hipDeviceAttributeL2CacheSize: hipDeviceAttribute_t = 19;
/// "Compute capability" major (gfx9xx: 9).
pub const hipDeviceAttributeComputeCapabilityMajor: hipDeviceAttribute_t = 23;
/// Threads per block, maximum.
pub const hipDeviceAttributeMaxThreadsPerBlock: hipDeviceAttribute_t = 56;
/// "Compute capability" minor.
pub const hipDeviceAttributeComputeCapabilityMinor: hipDeviceAttribute_t = 61;
/// Compute units.
pub const hipDeviceAttributeMultiprocessorCount: hipDeviceAttribute_t = 63;
/// LDS bytes per block, maximum.
pub const hipDeviceAttributeMaxSharedMemoryPerBlock: hipDeviceAttribute_t = 74;
/// Global memory bytes (saturates at `i32::MAX` through the `int` interface).
pub const hipDeviceAttributeTotalGlobalMem: hipDeviceAttribute_t = 84;
/// Threads per wave.
pub const hipDeviceAttributeWarpSize: hipDeviceAttribute_t = 87;
/// LDS bytes per CU (AMD-specific range).
pub const hipDeviceAttributeMaxSharedMemoryPerMultiprocessor: hipDeviceAttribute_t = 10002;

/// Flag for `hipStreamCreateWithFlags`: no implicit synchronization with the null stream.
pub const hipStreamNonBlocking: c_uint = 1;
/// Flag for `hipEventCreateWithFlags`: default (timing enabled).
pub const hipEventDefault: c_uint = 0;

/// `hipStreamCaptureMode` (argument of `hipStreamBeginCapture`).
pub type hipStreamCaptureMode = c_int;
/// Capture mode: unsafe API calls (e.g. a synchronous copy) from any thread fail while the capture is active.
pub const hipStreamCaptureModeGlobal: hipStreamCaptureMode = 0;
/// Capture mode: only unsafe calls from the capturing thread fail.
pub const hipStreamCaptureModeThreadLocal: hipStreamCaptureMode = 1;
/// Capture mode: no call is refused.
pub const hipStreamCaptureModeRelaxed: hipStreamCaptureMode = 2;

/// `hipGraph_t`: opaque graph handle.
pub type hipGraph_t = *mut c_void;
/// `hipStream_t`: opaque stream handle (null = the default stream).
pub type hipStream_t = *mut c_void;
/// `hipEvent_t`: opaque event handle.
pub type hipEvent_t = *mut c_void;
/// `hipModule_t`: a loaded code object.
pub type hipModule_t = *mut c_void;
/// `hipFunction_t`: a kernel in a module.
pub type hipFunction_t = *mut c_void;
/// `hipDeviceptr_t`: a device address.
pub type hipDeviceptr_t = *mut c_void;

/// `hipUUID`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hipUUID {
    /// 16 bytes.
    pub bytes: [c_char; 16],
}

/// `hipDeviceArch_t`: 17 one-bit feature flags packed in one `unsigned`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hipDeviceArch_t {
    /// The packed flags.
    pub bits: c_uint,
}

/// `hipDeviceProp_tR0600`: the device properties layout of ROCm 6.0 and later, filled by
/// `hipGetDevicePropertiesR0600`. (The unversioned `hipGetDeviceProperties` symbol of a ROCm 6+ library keeps the
/// pre-6.0 layout for old binaries: never pass this struct to it.)
#[repr(C)]
#[derive(Clone, Copy)]
pub struct hipDeviceProp_tR0600 {
    /// Marketing name, NUL-terminated.
    pub name: [c_char; 256],
    pub uuid: hipUUID,
    pub luid: [c_char; 8],
    pub luidDeviceNodeMask: c_uint,
    /// Bytes of global memory.
    pub totalGlobalMem: usize,
    /// Bytes of LDS a block may use.
    pub sharedMemPerBlock: usize,
    pub regsPerBlock: c_int,
    /// Threads per wave.
    pub warpSize: c_int,
    pub memPitch: usize,
    pub maxThreadsPerBlock: c_int,
    pub maxThreadsDim: [c_int; 3],
    pub maxGridSize: [c_int; 3],
    /// Peak shader clock in kHz.
    pub clockRate: c_int,
    pub totalConstMem: usize,
    pub major: c_int,
    pub minor: c_int,
    pub textureAlignment: usize,
    pub texturePitchAlignment: usize,
    pub deviceOverlap: c_int,
    /// Compute units.
    pub multiProcessorCount: c_int,
    pub kernelExecTimeoutEnabled: c_int,
    pub integrated: c_int,
    pub canMapHostMemory: c_int,
    pub computeMode: c_int,
    pub maxTexture1D: c_int,
    pub maxTexture1DMipmap: c_int,
    pub maxTexture1DLinear: c_int,
    pub maxTexture2D: [c_int; 2],
    pub maxTexture2DMipmap: [c_int; 2],
    pub maxTexture2DLinear: [c_int; 3],
    pub maxTexture2DGather: [c_int; 2],
    pub maxTexture3D: [c_int; 3],
    pub maxTexture3DAlt: [c_int; 3],
    pub maxTextureCubemap: c_int,
    pub maxTexture1DLayered: [c_int; 2],
    pub maxTexture2DLayered: [c_int; 3],
    pub maxTextureCubemapLayered: [c_int; 2],
    pub maxSurface1D: c_int,
    pub maxSurface2D: [c_int; 2],
    pub maxSurface3D: [c_int; 3],
    pub maxSurface1DLayered: [c_int; 2],
    pub maxSurface2DLayered: [c_int; 3],
    pub maxSurfaceCubemap: c_int,
    pub maxSurfaceCubemapLayered: [c_int; 2],
    pub surfaceAlignment: usize,
    pub concurrentKernels: c_int,
    pub ECCEnabled: c_int,
    pub pciBusID: c_int,
    pub pciDeviceID: c_int,
    pub pciDomainID: c_int,
    pub tccDriver: c_int,
    pub asyncEngineCount: c_int,
    pub unifiedAddressing: c_int,
    /// Peak memory clock in kHz.
    pub memoryClockRate: c_int,
    pub memoryBusWidth: c_int,
    pub l2CacheSize: c_int,
    pub persistingL2CacheMaxSize: c_int,
    pub maxThreadsPerMultiProcessor: c_int,
    pub streamPrioritiesSupported: c_int,
    pub globalL1CacheSupported: c_int,
    pub localL1CacheSupported: c_int,
    pub sharedMemPerMultiprocessor: usize,
    pub regsPerMultiprocessor: c_int,
    pub managedMemory: c_int,
    pub isMultiGpuBoard: c_int,
    pub multiGpuBoardGroupID: c_int,
    pub hostNativeAtomicSupported: c_int,
    pub singleToDoublePrecisionPerfRatio: c_int,
    pub pageableMemoryAccess: c_int,
    pub concurrentManagedAccess: c_int,
    pub computePreemptionSupported: c_int,
    pub canUseHostPointerForRegisteredMem: c_int,
    pub cooperativeLaunch: c_int,
    pub cooperativeMultiDeviceLaunch: c_int,
    pub sharedMemPerBlockOptin: usize,
    pub pageableMemoryAccessUsesHostPageTables: c_int,
    pub directManagedMemAccessFromHost: c_int,
    pub maxBlocksPerMultiProcessor: c_int,
    pub accessPolicyMaxWindowSize: c_int,
    pub reservedSharedMemPerBlock: usize,
    pub hostRegisterSupported: c_int,
    pub sparseHipArraySupported: c_int,
    pub hostRegisterReadOnlySupported: c_int,
    pub timelineSemaphoreInteropSupported: c_int,
    pub memoryPoolsSupported: c_int,
    pub gpuDirectRDMASupported: c_int,
    pub gpuDirectRDMAFlushWritesOptions: c_uint,
    pub gpuDirectRDMAWritesOrdering: c_int,
    pub memoryPoolSupportedHandleTypes: c_uint,
    pub deferredMappingHipArraySupported: c_int,
    pub ipcEventSupported: c_int,
    pub clusterLaunch: c_int,
    pub unifiedFunctionPointers: c_int,
    pub reserved: [c_int; 63],
    pub hipReserved: [c_int; 32],
    /// The ISA and features, e.g. `"gfx942:sramecc+:xnack-"`, NUL-terminated.
    pub gcnArchName: [c_char; 256],
    /// LDS bytes per CU.
    pub maxSharedMemoryPerMultiProcessor: usize,
    pub clockInstructionRate: c_int,
    pub arch: hipDeviceArch_t,
    pub hdpMemFlushCntl: *mut c_uint,
    pub hdpRegFlushCntl: *mut c_uint,
    pub cooperativeMultiDeviceUnmatchedFunc: c_int,
    pub cooperativeMultiDeviceUnmatchedGridDim: c_int,
    pub cooperativeMultiDeviceUnmatchedBlockDim: c_int,
    pub cooperativeMultiDeviceUnmatchedSharedMem: c_int,
    pub isLargeBar: c_int,
    pub asicRevision: c_int,
}

// ---------------------------------------------------------------- library_types.h

/// `hipDataType`.
pub type hipDataType = c_int;
/// f32.
pub const HIP_R_32F: hipDataType = 0;
/// f64.
pub const HIP_R_64F: hipDataType = 1;
/// f16.
pub const HIP_R_16F: hipDataType = 2;
/// i8.
pub const HIP_R_8I: hipDataType = 3;
/// u8.
pub const HIP_R_8U: hipDataType = 8;
/// i32.
pub const HIP_R_32I: hipDataType = 10;
/// bf16.
pub const HIP_R_16BF: hipDataType = 14;
/// OCP FP8 e4m3 (gfx950), ROCm 6.3+.
pub const HIP_R_8F_E4M3: hipDataType = 28;
/// OCP FP8 e5m2 (gfx950), ROCm 6.3+.
pub const HIP_R_8F_E5M2: hipDataType = 29;
/// E8M0 MX scale, ROCm 6.5+/7.
pub const HIP_R_8F_UE8M0: hipDataType = 30;
/// FNUZ FP8 e4m3 (gfx942).
pub const HIP_R_8F_E4M3_FNUZ: hipDataType = 1000;
/// FNUZ FP8 e5m2 (gfx942).
pub const HIP_R_8F_E5M2_FNUZ: hipDataType = 1001;

// ---------------------------------------------------------------- hipblas-common.h

/// `hipblasStatus_t`.
pub type hipblasStatus_t = c_int;
/// Success.
pub const HIPBLAS_STATUS_SUCCESS: hipblasStatus_t = 0;
/// Library not initialized.
pub const HIPBLAS_STATUS_NOT_INITIALIZED: hipblasStatus_t = 1;
/// Allocation failed.
pub const HIPBLAS_STATUS_ALLOC_FAILED: hipblasStatus_t = 2;
/// Invalid value.
pub const HIPBLAS_STATUS_INVALID_VALUE: hipblasStatus_t = 3;
/// GPU memory access failed.
pub const HIPBLAS_STATUS_MAPPING_ERROR: hipblasStatus_t = 4;
/// GPU program failed.
pub const HIPBLAS_STATUS_EXECUTION_FAILED: hipblasStatus_t = 5;
/// Internal error.
pub const HIPBLAS_STATUS_INTERNAL_ERROR: hipblasStatus_t = 6;
/// Not supported.
pub const HIPBLAS_STATUS_NOT_SUPPORTED: hipblasStatus_t = 7;
/// Architecture mismatch.
pub const HIPBLAS_STATUS_ARCH_MISMATCH: hipblasStatus_t = 8;
/// Null handle.
pub const HIPBLAS_STATUS_HANDLE_IS_NULLPTR: hipblasStatus_t = 9;
/// Invalid enum value.
pub const HIPBLAS_STATUS_INVALID_ENUM: hipblasStatus_t = 10;
/// Unknown status from the back end.
pub const HIPBLAS_STATUS_UNKNOWN: hipblasStatus_t = 11;

/// `hipblasOperation_t`.
pub type hipblasOperation_t = c_int;
/// No transpose.
pub const HIPBLAS_OP_N: hipblasOperation_t = 111;
/// Transpose.
pub const HIPBLAS_OP_T: hipblasOperation_t = 112;
/// Conjugate transpose.
pub const HIPBLAS_OP_C: hipblasOperation_t = 113;

/// `hipblasComputeType_t`.
pub type hipblasComputeType_t = c_int;
/// At least f16.
pub const HIPBLAS_COMPUTE_16F: hipblasComputeType_t = 0;
/// At least f32.
pub const HIPBLAS_COMPUTE_32F: hipblasComputeType_t = 2;
/// f32 accumulate, f16 inputs allowed.
pub const HIPBLAS_COMPUTE_32F_FAST_16F: hipblasComputeType_t = 4;
/// f32 accumulate, bf16 inputs allowed.
pub const HIPBLAS_COMPUTE_32F_FAST_16BF: hipblasComputeType_t = 5;
/// f32 accumulate, TF32 (cuBLAS back end only).
pub const HIPBLAS_COMPUTE_32F_FAST_TF32: hipblasComputeType_t = 6;
/// At least f64.
pub const HIPBLAS_COMPUTE_64F: hipblasComputeType_t = 7;
/// i32 accumulate.
pub const HIPBLAS_COMPUTE_32I: hipblasComputeType_t = 9;
/// f32 accumulate with FNUZ fp8 MFMA.
pub const HIPBLAS_COMPUTE_32F_FAST_8F_FNUZ: hipblasComputeType_t = 100;
/// f32 accumulate with FNUZ bf8 MFMA.
pub const HIPBLAS_COMPUTE_32F_FAST_8BF_FNUZ: hipblasComputeType_t = 101;
/// f32 accumulate with FNUZ fp8 x bf8 MFMA.
pub const HIPBLAS_COMPUTE_32F_FAST_8F8BF_FNUZ: hipblasComputeType_t = 102;
/// f32 accumulate with FNUZ bf8 x fp8 MFMA.
pub const HIPBLAS_COMPUTE_32F_FAST_8BF8F_FNUZ: hipblasComputeType_t = 103;

// ---------------------------------------------------------------- hipblaslt.h

/// `hipblasLtEpilogue_t`.
pub type hipblasLtEpilogue_t = c_uint;
/// Scale and convert only.
pub const HIPBLASLT_EPILOGUE_DEFAULT: hipblasLtEpilogue_t = 1;
/// ReLU.
pub const HIPBLASLT_EPILOGUE_RELU: hipblasLtEpilogue_t = 2;
/// Bias (broadcast along columns, one value per row of D).
pub const HIPBLASLT_EPILOGUE_BIAS: hipblasLtEpilogue_t = 4;
/// Bias then ReLU.
pub const HIPBLASLT_EPILOGUE_RELU_BIAS: hipblasLtEpilogue_t = 6;
/// GELU.
pub const HIPBLASLT_EPILOGUE_GELU: hipblasLtEpilogue_t = 32;
/// Bias then GELU.
pub const HIPBLASLT_EPILOGUE_GELU_BIAS: hipblasLtEpilogue_t = 36;
/// GELU, with the pre-activation written to the aux output.
pub const HIPBLASLT_EPILOGUE_GELU_AUX: hipblasLtEpilogue_t = 160;
/// Bias then GELU, with the pre-activation written to the aux output.
pub const HIPBLASLT_EPILOGUE_GELU_AUX_BIAS: hipblasLtEpilogue_t = 164;
/// Swish/SiLU (hipBLASLt extension).
pub const HIPBLASLT_EPILOGUE_SWISH_EXT: hipblasLtEpilogue_t = 65536;
/// Bias then Swish/SiLU (hipBLASLt extension).
pub const HIPBLASLT_EPILOGUE_SWISH_BIAS_EXT: hipblasLtEpilogue_t = 65540;

/// `hipblasLtMatrixLayoutAttribute_t`.
pub type hipblasLtMatrixLayoutAttribute_t = c_int;
/// Batch count (`i32`).
pub const HIPBLASLT_MATRIX_LAYOUT_BATCH_COUNT: hipblasLtMatrixLayoutAttribute_t = 0;
/// Elements between batch entries (`i64`).
pub const HIPBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET: hipblasLtMatrixLayoutAttribute_t = 1;
/// Data type (`u32`, a `hipDataType`).
pub const HIPBLASLT_MATRIX_LAYOUT_TYPE: hipblasLtMatrixLayoutAttribute_t = 2;
/// Order (`i32`, a `hipblasLtOrder_t`).
pub const HIPBLASLT_MATRIX_LAYOUT_ORDER: hipblasLtMatrixLayoutAttribute_t = 3;
/// Rows (`u64`).
pub const HIPBLASLT_MATRIX_LAYOUT_ROWS: hipblasLtMatrixLayoutAttribute_t = 4;
/// Columns (`u64`).
pub const HIPBLASLT_MATRIX_LAYOUT_COLS: hipblasLtMatrixLayoutAttribute_t = 5;
/// Leading dimension (`i64`).
pub const HIPBLASLT_MATRIX_LAYOUT_LD: hipblasLtMatrixLayoutAttribute_t = 6;

/// `hipblasLtMatmulDescAttributes_t`.
pub type hipblasLtMatmulDescAttributes_t = c_int;
/// Op on A (`i32`, a `hipblasOperation_t`).
pub const HIPBLASLT_MATMUL_DESC_TRANSA: hipblasLtMatmulDescAttributes_t = 0;
/// Op on B.
pub const HIPBLASLT_MATMUL_DESC_TRANSB: hipblasLtMatmulDescAttributes_t = 1;
/// Epilogue (`u32`).
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE: hipblasLtMatmulDescAttributes_t = 2;
/// Bias device pointer (`void*`).
pub const HIPBLASLT_MATMUL_DESC_BIAS_POINTER: hipblasLtMatmulDescAttributes_t = 3;
/// Bias data type (`i32`, a `hipDataType`).
pub const HIPBLASLT_MATMUL_DESC_BIAS_DATA_TYPE: hipblasLtMatmulDescAttributes_t = 4;
/// A's scale, device pointer.
pub const HIPBLASLT_MATMUL_DESC_A_SCALE_POINTER: hipblasLtMatmulDescAttributes_t = 5;
/// B's scale, device pointer.
pub const HIPBLASLT_MATMUL_DESC_B_SCALE_POINTER: hipblasLtMatmulDescAttributes_t = 6;
/// C's scale, device pointer.
pub const HIPBLASLT_MATMUL_DESC_C_SCALE_POINTER: hipblasLtMatmulDescAttributes_t = 7;
/// D's scale, device pointer.
pub const HIPBLASLT_MATMUL_DESC_D_SCALE_POINTER: hipblasLtMatmulDescAttributes_t = 8;
/// Aux output's scale, device pointer.
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE_AUX_SCALE_POINTER: hipblasLtMatmulDescAttributes_t = 9;
/// Aux output, device pointer.
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER: hipblasLtMatmulDescAttributes_t = 10;
/// Aux leading dimension (`i64`).
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD: hipblasLtMatmulDescAttributes_t = 11;
/// Aux batch stride (`i64`).
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE_AUX_BATCH_STRIDE: hipblasLtMatmulDescAttributes_t = 12;
/// Pointer mode of alpha/beta (`i32`).
pub const HIPBLASLT_MATMUL_DESC_POINTER_MODE: hipblasLtMatmulDescAttributes_t = 13;
/// amax of D, device pointer.
pub const HIPBLASLT_MATMUL_DESC_AMAX_D_POINTER: hipblasLtMatmulDescAttributes_t = 14;
/// Aux data type (`i32`).
pub const HIPBLASLT_MATMUL_DESC_EPILOGUE_AUX_DATA_TYPE: hipblasLtMatmulDescAttributes_t = 22;
/// How A's scale is interpreted (`u32`, a `hipblasLtMatmulMatrixScale_t`), ROCm 6.4+.
pub const HIPBLASLT_MATMUL_DESC_A_SCALE_MODE: hipblasLtMatmulDescAttributes_t = 31;
/// How B's scale is interpreted.
pub const HIPBLASLT_MATMUL_DESC_B_SCALE_MODE: hipblasLtMatmulDescAttributes_t = 32;
/// Compute input type of A (hipBLASLt extension).
pub const HIPBLASLT_MATMUL_DESC_COMPUTE_INPUT_TYPE_A_EXT: hipblasLtMatmulDescAttributes_t = 100;
/// Compute input type of B (hipBLASLt extension).
pub const HIPBLASLT_MATMUL_DESC_COMPUTE_INPUT_TYPE_B_EXT: hipblasLtMatmulDescAttributes_t = 101;

/// `hipblasLtMatmulMatrixScale_t`.
pub type hipblasLtMatmulMatrixScale_t = c_uint;
/// One f32 for the whole tensor.
pub const HIPBLASLT_MATMUL_MATRIX_SCALE_SCALAR_32F: hipblasLtMatmulMatrixScale_t = 0;
/// One E8M0 per 32 elements along K (MX).
pub const HIPBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0: hipblasLtMatmulMatrixScale_t = 2;
/// One f32 per row of A / column of B.
pub const HIPBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F: hipblasLtMatmulMatrixScale_t = 3;
/// One f32 per 128 elements along K.
pub const HIPBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F: hipblasLtMatmulMatrixScale_t = 4;
/// One f32 per 128x128 block.
pub const HIPBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F: hipblasLtMatmulMatrixScale_t = 5;

/// `hipblasLtMatmulPreferenceAttributes_t`.
pub type hipblasLtMatmulPreferenceAttributes_t = c_int;
/// Search mode (`u32`).
pub const HIPBLASLT_MATMUL_PREF_SEARCH_MODE: hipblasLtMatmulPreferenceAttributes_t = 0;
/// Workspace limit in bytes (`u64`).
pub const HIPBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES: hipblasLtMatmulPreferenceAttributes_t = 1;

/// `hipblasLtOrder_t`.
pub type hipblasLtOrder_t = c_int;
/// Column-major.
pub const HIPBLASLT_ORDER_COL: hipblasLtOrder_t = 0;
/// Row-major.
pub const HIPBLASLT_ORDER_ROW: hipblasLtOrder_t = 1;

/// `hipblasLtPointerMode_t`.
pub type hipblasLtPointerMode_t = c_int;
/// alpha/beta in host memory.
pub const HIPBLASLT_POINTER_MODE_HOST: hipblasLtPointerMode_t = 0;
/// alpha/beta in device memory.
pub const HIPBLASLT_POINTER_MODE_DEVICE: hipblasLtPointerMode_t = 1;

/// `hipblasLtHandle_t`.
pub type hipblasLtHandle_t = *mut c_void;
/// `hipblasLtMatmulDesc_t`.
pub type hipblasLtMatmulDesc_t = *mut c_void;
/// `hipblasLtMatrixLayout_t`.
pub type hipblasLtMatrixLayout_t = *mut c_void;
/// `hipblasLtMatmulPreference_t`.
pub type hipblasLtMatmulPreference_t = *mut c_void;

/// `hipblasLtMatmulAlgo_t`: an opaque algorithm, trivially copyable.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct hipblasLtMatmulAlgo_t {
    /// Opaque.
    pub data: [u8; 16],
    /// Workspace the algorithm may use.
    pub max_workspace_bytes: usize,
}

/// `hipblasLtMatmulHeuristicResult_t`: one candidate from `hipblasLtMatmulAlgoGetHeuristic`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct hipblasLtMatmulHeuristicResult_t {
    /// The algorithm.
    pub algo: hipblasLtMatmulAlgo_t,
    /// Workspace bytes it needs.
    pub workspaceSize: usize,
    /// `HIPBLAS_STATUS_SUCCESS` when the other fields are valid.
    pub state: hipblasStatus_t,
    /// Device utilization estimate (1.0 = one full wave of workgroups).
    pub wavesCount: f32,
    /// Reserved.
    pub reserved: [c_int; 4],
}

const _: () = assert!(std::mem::size_of::<hipblasLtMatmulAlgo_t>() == 24);
const _: () = assert!(std::mem::size_of::<hipblasLtMatmulHeuristicResult_t>() == 56);
