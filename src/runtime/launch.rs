//! Launch geometry (docs/kernel-abi.md §4).

use crate::error::{Error, Result};

/// Grid and block dimensions of one launch, plus the dynamic LDS it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaunchConfig {
    /// Number of workgroups in x, y, z.
    pub grid: [u32; 3],
    /// Threads per workgroup in x, y, z (product at most 1024).
    pub block: [u32; 3],
    /// Dynamic LDS bytes per workgroup (`HIP_DYNAMIC_SHARED`).
    pub dynamic_lds: u32,
}

impl LaunchConfig {
    /// A 1-D launch: `grid` workgroups of `block` threads, no dynamic LDS.
    pub fn linear(grid: u32, block: u32) -> Self {
        LaunchConfig {
            grid: [grid, 1, 1],
            block: [block, 1, 1],
            dynamic_lds: 0,
        }
    }

    /// Checks what every backend requires: no zero dimension, at most 1024 threads per workgroup.
    pub fn validate(&self) -> Result<()> {
        if self.grid.contains(&0) {
            return Err(Error::invalid(
                "grid",
                "every dimension >= 1",
                format!("{:?}", self.grid),
            ));
        }
        if self.block.contains(&0) {
            return Err(Error::invalid(
                "block",
                "every dimension >= 1",
                format!("{:?}", self.block),
            ));
        }
        let threads: u64 = self.block.iter().map(|&d| d as u64).product();
        if threads > 1024 {
            return Err(Error::invalid(
                "block",
                "at most 1024 threads per workgroup",
                format!("{:?} = {threads} threads", self.block),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_and_oversized_blocks() {
        assert!(LaunchConfig::linear(4, 256).validate().is_ok());
        assert!(LaunchConfig::linear(0, 256).validate().is_err());
        let cfg = LaunchConfig {
            grid: [1, 1, 1],
            block: [64, 32, 1],
            dynamic_lds: 0,
        };
        match cfg.validate() {
            Err(Error::InvalidArgument { what, got, .. }) => {
                assert_eq!(what, "block");
                assert!(got.contains("2048"), "{got}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }
}
