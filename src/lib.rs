//! # hipforge
//!
//! GEMM and attention kernels in HIP C++ for AMD Instinct GPUs (gfx950 first, gfx942 alongside), with safe Rust
//! bindings, an f64 CPU reference, and a CPU emulator that runs the same kernel source with CDNA semantics.
//!
//! See the README for the two commands (demo, tests) and what is verified how.

#![warn(missing_docs)]

pub mod attention;
pub mod dtype;
pub mod error;
pub mod gemm;
pub mod isa;
pub mod kernels;
pub mod lds;
pub mod quant;
pub mod reference;
pub mod runtime;
pub mod verify;

pub use dtype::*;
pub use error::{Error, Result};
