//! Raw FFI to the HIP runtime and hipBLASLt, resolved at run time (work in progress: see issue 5).
