//! GEMM: the problem description ([`GemmSpec`]) shared by the CPU reference, the kernels and hipBLASLt.
//!
//! Kernel selection and launch live in sibling modules of this one.

pub mod hipblaslt;
mod params;
mod plan;
pub mod spec;

pub use plan::{gemm, validate_for_arch, Backend, GemmOperands, GemmPlan, PlanOptions, Tile};

pub use spec::{Activation, Epilogue, GemmSpec, Layout, Operand, Scaling, BLOCK_K, MX_K};
