//! The CPU reference: the mathematical definition of every operation, computed in f64 from the already-quantized
//! inputs. (The GEMM and attention references land next; the problem specs are in [`crate::gemm`] and
//! [`crate::attention`].)
