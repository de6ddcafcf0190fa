//! Attention forward: the problem description ([`AttentionSpec`]) shared by the CPU reference and the kernels.
//!
//! Kernel selection and launch live in sibling modules of this one.

pub mod spec;

pub use spec::{AttentionSpec, Strides, Varlen, Window};
