//! The hipBLASLt entry points hipforge uses, resolved lazily from the loaded `libhipblaslt`.

use crate::loader::dynamic_api;
use crate::types::*;
use std::ffi::{c_int, c_void};

dynamic_api! {
    /// `libhipblaslt`, opened at run time. Each method resolves its symbol on first use.
    pub struct HipBlasLtLib;

    /// `hipblasLtCreate`.
    fn hipblasLtCreate(handle: *mut hipblasLtHandle_t) -> hipblasStatus_t;
    /// `hipblasLtDestroy`.
    fn hipblasLtDestroy(handle: hipblasLtHandle_t) -> hipblasStatus_t;
    /// `hipblasLtGetVersion`.
    fn hipblasLtGetVersion(handle: hipblasLtHandle_t, version: *mut c_int) -> hipblasStatus_t;

    /// `hipblasLtMatrixLayoutCreate`.
    fn hipblasLtMatrixLayoutCreate(
        layout: *mut hipblasLtMatrixLayout_t,
        data_type: hipDataType,
        rows: u64,
        cols: u64,
        ld: i64,
    ) -> hipblasStatus_t;
    /// `hipblasLtMatrixLayoutDestroy`.
    fn hipblasLtMatrixLayoutDestroy(layout: hipblasLtMatrixLayout_t) -> hipblasStatus_t;
    /// `hipblasLtMatrixLayoutSetAttribute`.
    fn hipblasLtMatrixLayoutSetAttribute(
        layout: hipblasLtMatrixLayout_t,
        attr: hipblasLtMatrixLayoutAttribute_t,
        buf: *const c_void,
        size: usize,
    ) -> hipblasStatus_t;

    /// `hipblasLtMatmulDescCreate`.
    fn hipblasLtMatmulDescCreate(
        desc: *mut hipblasLtMatmulDesc_t,
        compute_type: hipblasComputeType_t,
        scale_type: hipDataType,
    ) -> hipblasStatus_t;
    /// `hipblasLtMatmulDescDestroy`.
    fn hipblasLtMatmulDescDestroy(desc: hipblasLtMatmulDesc_t) -> hipblasStatus_t;
    /// `hipblasLtMatmulDescSetAttribute`.
    fn hipblasLtMatmulDescSetAttribute(
        desc: hipblasLtMatmulDesc_t,
        attr: hipblasLtMatmulDescAttributes_t,
        buf: *const c_void,
        size: usize,
    ) -> hipblasStatus_t;

    /// `hipblasLtMatmulPreferenceCreate`.
    fn hipblasLtMatmulPreferenceCreate(pref: *mut hipblasLtMatmulPreference_t) -> hipblasStatus_t;
    /// `hipblasLtMatmulPreferenceDestroy`.
    fn hipblasLtMatmulPreferenceDestroy(pref: hipblasLtMatmulPreference_t) -> hipblasStatus_t;
    /// `hipblasLtMatmulPreferenceSetAttribute`.
    fn hipblasLtMatmulPreferenceSetAttribute(
        pref: hipblasLtMatmulPreference_t,
        attr: hipblasLtMatmulPreferenceAttributes_t,
        buf: *const c_void,
        size: usize,
    ) -> hipblasStatus_t;

    /// `hipblasLtMatmulAlgoGetHeuristic`: up to `requested` candidates, best first.
    fn hipblasLtMatmulAlgoGetHeuristic(
        handle: hipblasLtHandle_t,
        desc: hipblasLtMatmulDesc_t,
        a: hipblasLtMatrixLayout_t,
        b: hipblasLtMatrixLayout_t,
        c: hipblasLtMatrixLayout_t,
        d: hipblasLtMatrixLayout_t,
        pref: hipblasLtMatmulPreference_t,
        requested: c_int,
        results: *mut hipblasLtMatmulHeuristicResult_t,
        returned: *mut c_int,
    ) -> hipblasStatus_t;

    /// `hipblasLtMatmul`: `D = epilogue(alpha * op(A) op(B) + beta * C)` with the descriptor's scales.
    fn hipblasLtMatmul(
        handle: hipblasLtHandle_t,
        desc: hipblasLtMatmulDesc_t,
        alpha: *const c_void,
        a: *const c_void,
        a_layout: hipblasLtMatrixLayout_t,
        b: *const c_void,
        b_layout: hipblasLtMatrixLayout_t,
        beta: *const c_void,
        c: *const c_void,
        c_layout: hipblasLtMatrixLayout_t,
        d: *mut c_void,
        d_layout: hipblasLtMatrixLayout_t,
        algo: *const hipblasLtMatmulAlgo_t,
        workspace: *mut c_void,
        workspace_size: usize,
        stream: hipStream_t,
    ) -> hipblasStatus_t;
}

impl HipBlasLtLib {
    /// Opens hipBLASLt following [`crate::loader::HIPBLASLT`]'s search order.
    pub fn load() -> Result<HipBlasLtLib, crate::loader::LoadError> {
        crate::loader::HIPBLASLT.load().map(HipBlasLtLib::new)
    }

    /// Opens exactly `path` as hipBLASLt.
    pub fn load_from(path: impl AsRef<std::path::Path>) -> Result<HipBlasLtLib, crate::loader::LoadError> {
        crate::loader::load_from(crate::loader::HIPBLASLT.what, path).map(HipBlasLtLib::new)
    }
}
