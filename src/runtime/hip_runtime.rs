//! The loaded HIP runtime and the thin `Result` layer over hip-sys (cudarc's `result` level): each raw call's
//! `hipError_t` becomes `Err(Error::Hip)` carrying the runtime's own name and description of the error; a symbol the
//! library lacks becomes `Err(Error::MissingSymbol)`.

use crate::error::{Error, Result};
use hipforge_sys::types::*;
use hipforge_sys::{HipLib, LoadError, MissingSymbol};
use std::ffi::{c_int, CStr};
use std::sync::{Arc, OnceLock};

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::LibraryNotFound {
            library: e.library.to_string(),
            tried: e.tried,
        }
    }
}

impl From<MissingSymbol> for Error {
    fn from(e: MissingSymbol) -> Self {
        Error::MissingSymbol {
            library: e.library,
            symbol: e.symbol.to_string(),
        }
    }
}

/// The HIP runtime library, opened at run time.
///
/// [`HipRuntime::global`] follows the search order of `hipforge_sys::loader` (override variable `HIPFORGE_HIP_LIBRARY`,
/// then ROCm directories, then the system loader) once per process; [`HipRuntime::load_from`] opens one given file,
/// which is how tests exercise a wrong or missing library without touching the environment.
pub struct HipRuntime {
    lib: HipLib,
}

impl std::fmt::Debug for HipRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HipRuntime({})", self.path())
    }
}

static GLOBAL: OnceLock<Result<Arc<HipRuntime>>> = OnceLock::new();

impl HipRuntime {
    /// The process-wide runtime, loaded on first use (the outcome, success or error, is kept).
    pub fn global() -> Result<Arc<HipRuntime>> {
        GLOBAL
            .get_or_init(|| {
                HipLib::load()
                    .map(|lib| Arc::new(HipRuntime { lib }))
                    .map_err(Error::from)
            })
            .clone()
    }

    /// Opens exactly `path` as the HIP runtime: [`Error::LibraryNotFound`] when it cannot be opened. A library that
    /// opens but is not HIP fails later, with [`Error::MissingSymbol`] on the first call.
    pub fn load_from(path: impl AsRef<std::path::Path>) -> Result<Arc<HipRuntime>> {
        Ok(Arc::new(HipRuntime {
            lib: HipLib::load_from(path)?,
        }))
    }

    /// The raw function table, for calls this layer does not wrap.
    pub fn raw(&self) -> &HipLib {
        &self.lib
    }

    /// Where the library was opened from.
    pub fn path(&self) -> &str {
        self.lib.library().path()
    }

    /// `hipRuntimeGetVersion`: `major * 10_000_000 + minor * 100_000 + patch` (e.g. 50221153 for HIP 5.2).
    pub fn runtime_version(&self) -> Result<i32> {
        let mut v: c_int = 0;
        self.check("hipRuntimeGetVersion", unsafe {
            self.lib.hipRuntimeGetVersion(&mut v)?
        })?;
        Ok(v)
    }

    /// `hipDriverGetVersion`.
    pub fn driver_version(&self) -> Result<i32> {
        let mut v: c_int = 0;
        self.check("hipDriverGetVersion", unsafe { self.lib.hipDriverGetVersion(&mut v)? })?;
        Ok(v)
    }

    /// The runtime's major version (`runtime_version / 10_000_000`).
    pub fn major_version(&self) -> Result<i32> {
        Ok(self.runtime_version()? / 10_000_000)
    }

    /// `"name: description"` of a `hipError_t`, from the runtime itself (or the number, if it cannot say).
    pub fn error_text(&self, code: hipError_t) -> String {
        let read = |p: std::result::Result<*const std::ffi::c_char, MissingSymbol>| -> Option<String> {
            let p = p.ok()?;
            if p.is_null() {
                return None;
            }
            // SAFETY: the runtime returns pointers to static NUL-terminated strings.
            Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        };
        let name = read(unsafe { self.lib.hipGetErrorName(code) });
        let text = read(unsafe { self.lib.hipGetErrorString(code) });
        match (name, text) {
            (Some(n), Some(t)) if n != t => format!("{n}: {t}"),
            (Some(n), _) => n,
            (None, Some(t)) => t,
            (None, None) => format!("hipError_t {code}"),
        }
    }

    /// `Ok(())` for `hipSuccess`, else [`Error::Hip`] naming `call` with the runtime's text.
    pub fn check(&self, call: &str, code: hipError_t) -> Result<()> {
        if code == hipSuccess {
            Ok(())
        } else {
            Err(Error::Hip {
                call: call.to_string(),
                code,
                message: self.error_text(code),
            })
        }
    }

    /// Initializes the runtime and counts devices. No device (however the runtime says it) is [`Error::NoDevice`]
    /// naming this library and its version.
    pub fn device_count(&self) -> Result<usize> {
        let init = unsafe { self.lib.hipInit(0)? };
        let mut n: c_int = 0;
        let count = unsafe { self.lib.hipGetDeviceCount(&mut n)? };
        if count == hipSuccess && n > 0 {
            return Ok(n as usize);
        }
        let mut detail = String::new();
        if init != hipSuccess {
            detail.push_str(&format!("hipInit: {} ({init}); ", self.error_text(init)));
        }
        if count != hipSuccess {
            detail.push_str(&format!("hipGetDeviceCount: {} ({count})", self.error_text(count)));
        } else {
            detail.push_str("hipGetDeviceCount: 0 devices");
        }
        Err(Error::NoDevice {
            library: self.path().to_string(),
            runtime_version: self.runtime_version().ok(),
            detail,
        })
    }
}

/// Formats `hipRuntimeGetVersion`'s number as `major.minor.patch`.
pub fn format_hip_version(v: i32) -> String {
    format!("{}.{}.{}", v / 10_000_000, (v / 100_000) % 100, v % 100_000)
}
