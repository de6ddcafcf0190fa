//! The crate's one error type.
//!
//! Every fallible public function returns [`Result<T>`]. Messages say what was expected and what was given.

use std::fmt;

/// Everything that can go wrong in hipforge.
///
/// The enum is `#[non_exhaustive]`: new variants may appear in minor releases, so match with a wildcard arm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// An argument is invalid: `what` names it, `expected` and `got` describe the mismatch.
    InvalidArgument {
        /// Which argument or field is wrong (e.g. `"lda"`).
        what: String,
        /// What a valid value looks like.
        expected: String,
        /// What was given.
        got: String,
    },
    /// A buffer's length does not match what the shape needs.
    LengthMismatch {
        /// Which buffer (e.g. `"a"`).
        what: String,
        /// Elements needed.
        expected: usize,
        /// Elements given.
        got: usize,
    },
    /// A size computation overflowed (`usize`, or the 32-bit range a kernel indexes with).
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// The data type is not supported for this operation or on this architecture.
    UnsupportedDType {
        /// The operation or operand.
        what: String,
        /// The data type given.
        dtype: String,
        /// Why, or which archs support it.
        reason: String,
    },
    /// The feature is not supported (by the arch, by a backend, or not implemented yet).
    Unsupported {
        /// What was asked for, and why it cannot be done.
        what: String,
    },
    /// A shared library (HIP runtime, hipBLASLt) could not be loaded.
    LibraryNotFound {
        /// The library (e.g. `"HIP runtime"`).
        library: String,
        /// Every path or name that was tried, with the loader's message.
        tried: Vec<String>,
    },
    /// A loaded library lacks a symbol hipforge needs.
    MissingSymbol {
        /// The library's path.
        library: String,
        /// The symbol's name.
        symbol: String,
    },
    /// The HIP runtime loaded but reports no usable device.
    NoDevice {
        /// The library that was loaded.
        library: String,
        /// The runtime version it reported, if any.
        runtime_version: Option<i32>,
        /// Details (e.g. the HIP status text).
        detail: String,
    },
    /// A HIP runtime call failed.
    Hip {
        /// The call (e.g. `"hipMalloc"`).
        call: String,
        /// The raw `hipError_t` value.
        code: i32,
        /// The runtime's name and description of the error.
        message: String,
    },
    /// A hipBLASLt call failed.
    HipBlasLt {
        /// The call.
        call: String,
        /// The raw `hipblasStatus_t` value.
        status: i32,
        /// Details.
        message: String,
    },
    /// The GPU code for a kernel was not built for the device's arch.
    KernelNotBuilt {
        /// The kernel's symbol.
        kernel: String,
        /// The device's arch.
        arch: String,
        /// Why (e.g. no HIP-capable clang at build time, or the arch not in `HIPFORGE_ARCHS`).
        reason: String,
    },
    /// The emulator reported faults while running a kernel.
    EmulatorFault {
        /// The kernel's symbol.
        kernel: String,
        /// Each fault as (kind, message); kinds are `lds_race`, `global_oob`, `lds_oob`, `barrier_divergence`, ...
        faults: Vec<(String, String)>,
    },
    /// The emulator is not available (it was not built) or refused to launch.
    Emulator {
        /// Details.
        message: String,
    },
    /// An operation was given objects from different devices.
    DeviceMismatch {
        /// The object that is on the wrong device (e.g. `"GEMM operand B"`).
        what: String,
        /// The device it had to be on (e.g. `"HIP device 0 (AMD Instinct MI300X, gfx942)"`).
        expected: String,
        /// The device it is on.
        got: String,
    },
    /// What was asked for needs a Cargo feature of hipforge that this build was compiled without (e.g. the emulator
    /// with `default-features = false`).
    FeatureDisabled {
        /// The Cargo feature that would provide it: `"emulator"` or `"gpu-kernels"`.
        feature: String,
        /// What was asked for (e.g. `"the gfx950 emulator"`, `"kernel hf_gemm_… for gfx942"`).
        what: String,
    },
    /// [`crate::runtime::Device::best`] found no device: neither HIP device 0 nor the emulator could be opened.
    NoBackend {
        /// Why HIP device 0 could not be used.
        hip: String,
        /// Why the emulator could not be used.
        emulator: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(what: impl Into<String>, expected: impl Into<String>, got: impl fmt::Display) -> Self {
        Error::InvalidArgument {
            what: what.into(),
            expected: expected.into(),
            got: got.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { what, expected, got } => {
                write!(f, "invalid {what}: expected {expected}, got {got}")
            }
            Error::LengthMismatch { what, expected, got } => {
                write!(
                    f,
                    "buffer {what} has the wrong length: expected {expected} elements, got {got}"
                )
            }
            Error::Overflow { what } => write!(f, "size overflow computing {what}"),
            Error::UnsupportedDType { what, dtype, reason } => {
                write!(f, "dtype {dtype} not supported for {what}: {reason}")
            }
            Error::Unsupported { what } => write!(f, "unsupported: {what}"),
            Error::LibraryNotFound { library, tried } => {
                write!(f, "{library} not found; tried: {}", tried.join("; "))
            }
            Error::MissingSymbol { library, symbol } => write!(f, "symbol {symbol} missing from {library}"),
            Error::NoDevice {
                library,
                runtime_version,
                detail,
            } => {
                write!(f, "no HIP device: {library}")?;
                if let Some(v) = runtime_version {
                    write!(f, " (runtime version {v})")?;
                }
                write!(f, " reports {detail}")
            }
            Error::Hip { call, code, message } => write!(f, "{call} failed with HIP error {code}: {message}"),
            Error::HipBlasLt { call, status, message } => {
                write!(f, "{call} failed with hipBLASLt status {status}: {message}")
            }
            Error::KernelNotBuilt { kernel, arch, reason } => {
                write!(f, "kernel {kernel} was not built for {arch}: {reason}")
            }
            Error::EmulatorFault { kernel, faults } => {
                write!(f, "emulator found {} fault(s) in {kernel}", faults.len())?;
                for (kind, msg) in faults.iter().take(8) {
                    write!(f, "\n  {kind}: {msg}")?;
                }
                if faults.len() > 8 {
                    write!(f, "\n  ... and {} more", faults.len() - 8)?;
                }
                Ok(())
            }
            Error::Emulator { message } => write!(f, "emulator: {message}"),
            Error::DeviceMismatch { what, expected, got } => {
                write!(f, "device mismatch: {what} is on {got}, expected {expected}")
            }
            Error::FeatureDisabled { feature, what } => write!(
                f,
                "{what} needs the Cargo feature `{feature}`, which this build of hipforge was compiled without \
                 (enable it: `features = [\"{feature}\"]`)"
            ),
            Error::NoBackend { hip, emulator } => {
                write!(f, "no device available: HIP: {hip}; emulator: {emulator}")
            }
        }
    }
}

impl std::error::Error for Error {}
