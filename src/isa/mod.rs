//! ISA report: resources and matrix instructions of every kernel's real code object (work in progress).

pub mod disasm;
