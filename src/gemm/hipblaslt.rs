//! hipBLASLt backend: translation of GemmSpec onto hipBLASLt descriptors — owned by the hipblaslt engineer.
//!
//! (Work in progress: the translation lands next.)
