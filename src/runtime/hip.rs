//! The HIP backend (first landing: not wired yet; `Device::hip` reports that as a typed error).
//!
//! `HipBackend` is uninhabited until the hip-sys loader lands, so none of the methods below can run.

use super::arch::Arch;
use super::device::RawStream;
use super::launch::LaunchConfig;
use crate::error::{Error, Result};
use std::ffi::c_void;

pub(crate) enum HipBackend {}

#[allow(clippy::missing_safety_doc)]
impl HipBackend {
    pub(crate) fn open(ordinal: usize) -> Result<(HipBackend, Arch, String)> {
        Err(Error::Unsupported {
            what: format!("HIP device {ordinal}: the HIP backend of hipforge::runtime is not wired yet (issue 5)"),
        })
    }
    pub(crate) fn device_synchronize(&self) -> Result<()> {
        match *self {}
    }
    pub(crate) unsafe fn launch(
        &self,
        _arch: &Arch,
        _stream: RawStream,
        _kernel: &str,
        _cfg: &LaunchConfig,
        _params: *const c_void,
        _size: usize,
    ) -> Result<()> {
        match *self {}
    }
    pub(crate) fn alloc_zeroed(&self, _bytes: usize) -> Result<u64> {
        match *self {}
    }
    pub(crate) fn alloc(&self, _bytes: usize) -> Result<u64> {
        match *self {}
    }
    pub(crate) fn free(&self, _ptr: u64) {
        match *self {}
    }
    pub(crate) unsafe fn h2d(&self, _d: u64, _s: *const u8, _n: usize, _st: Option<RawStream>) -> Result<()> {
        match *self {}
    }
    pub(crate) unsafe fn d2h(&self, _d: *mut u8, _s: u64, _n: usize, _st: Option<RawStream>) -> Result<()> {
        match *self {}
    }
    pub(crate) unsafe fn d2d(&self, _d: u64, _s: u64, _n: usize) -> Result<()> {
        match *self {}
    }
    pub(crate) unsafe fn memset(&self, _d: u64, _v: u8, _n: usize, _st: Option<RawStream>) -> Result<()> {
        match *self {}
    }
    pub(crate) fn stream_create(&self) -> Result<RawStream> {
        match *self {}
    }
    pub(crate) fn stream_synchronize(&self, _s: RawStream) -> Result<()> {
        match *self {}
    }
    pub(crate) fn stream_destroy(&self, _s: RawStream) {
        match *self {}
    }
    pub(crate) fn event_create(&self) -> Result<usize> {
        match *self {}
    }
    pub(crate) fn event_record(&self, _e: usize, _s: RawStream) -> Result<()> {
        match *self {}
    }
    pub(crate) fn event_synchronize(&self, _e: usize) -> Result<()> {
        match *self {}
    }
    pub(crate) fn event_elapsed_ms(&self, _a: usize, _b: usize) -> Result<f32> {
        match *self {}
    }
    pub(crate) fn event_destroy(&self, _e: usize) {
        match *self {}
    }
}
