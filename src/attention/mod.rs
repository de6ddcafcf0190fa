//! Attention forward: the problem description ([`AttentionSpec`]) shared by the CPU reference and the kernels.
//!
//! Kernel selection and launch live in sibling modules of this one.

pub mod launch;
pub mod spec;

pub use launch::{attention_forward, AttentionPlan, DECODE_MAX_SEQLEN_Q, SUPPORTED_HEAD_DIMS};
pub use spec::{AttentionSpec, Strides, Varlen, Window};
