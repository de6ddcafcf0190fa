//! GPU architectures, as the device names them (`gcnArchName`), never from a table of products.

use crate::dtype::DType;

/// The instruction-set architecture of a device.
///
/// Parsed from the device's `gcnArchName` (e.g. `"gfx942:sramecc+:xnack-"`): the part before the first `:` names
/// the target; the feature flags after it are ignored. Unknown targets are kept as [`Arch::Other`], so a new GPU is
/// reported by name instead of being rejected by a hard-coded list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arch {
    /// CDNA3 (MI300X, MI325X): MFMA, wave64, FNUZ FP8.
    Gfx942,
    /// CDNA4 (MI350X, MI355X): MFMA, wave64, OCP FP8, MX scaling.
    Gfx950,
    /// MI450-class: WMMA, wave32.
    Gfx1250,
    /// Any other target, by its LLVM name (e.g. `"gfx90a"`).
    Other(String),
}

impl Arch {
    /// Parses a `gcnArchName` (`"gfx950:sramecc+:xnack-"`) or a bare target name (`"gfx950"`).
    ///
    /// Leading/trailing whitespace and feature flags are ignored; an empty name becomes `Other("")`.
    pub fn parse(gcn_arch_name: &str) -> Arch {
        let target = gcn_arch_name.trim().split(':').next().unwrap_or("").trim();
        match target {
            "gfx942" => Arch::Gfx942,
            "gfx950" => Arch::Gfx950,
            "gfx1250" => Arch::Gfx1250,
            other => Arch::Other(other.to_string()),
        }
    }

    /// The LLVM target name (`"gfx942"`, ...): the key of `crate::kernels::code_object`.
    pub fn name(&self) -> &str {
        match self {
            Arch::Gfx942 => "gfx942",
            Arch::Gfx950 => "gfx950",
            Arch::Gfx1250 => "gfx1250",
            Arch::Other(s) => s,
        }
    }

    /// True when the arch's hardware FP8 is the FNUZ flavour (gfx942); false for OCP FP8 (gfx950, gfx1250).
    pub fn fp8_is_fnuz(&self) -> bool {
        matches!(self, Arch::Gfx942)
    }

    /// The hardware's e4m3 FP8 type: FNUZ on gfx942, OCP elsewhere.
    pub fn fp8_e4m3(&self) -> DType {
        if self.fp8_is_fnuz() {
            DType::F8E4M3Fnuz
        } else {
            DType::F8E4M3
        }
    }

    /// The hardware's e5m2 FP8 type: FNUZ on gfx942, OCP elsewhere.
    pub fn fp8_e5m2(&self) -> DType {
        if self.fp8_is_fnuz() {
            DType::F8E5M2Fnuz
        } else {
            DType::F8E5M2
        }
    }

    /// Threads per wave: 32 on gfx1250 (RDNA-style wave32), 64 on CDNA.
    pub fn wave_size(&self) -> u32 {
        match self {
            Arch::Gfx1250 => 32,
            _ => 64,
        }
    }
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Arch {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Arch::parse(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gcn_arch_names_with_features() {
        assert_eq!(Arch::parse("gfx942:sramecc+:xnack-"), Arch::Gfx942);
        assert_eq!(Arch::parse("gfx950:sramecc+:xnack-"), Arch::Gfx950);
        assert_eq!(Arch::parse(" gfx1250 "), Arch::Gfx1250);
        assert_eq!(Arch::parse("gfx90a:xnack+"), Arch::Other("gfx90a".into()));
        assert_eq!(Arch::parse("gfx9420"), Arch::Other("gfx9420".into()));
        assert_eq!(Arch::parse(""), Arch::Other(String::new()));
    }

    #[test]
    fn fp8_flavour_follows_the_arch() {
        assert!(Arch::Gfx942.fp8_is_fnuz());
        assert!(!Arch::Gfx950.fp8_is_fnuz());
        assert_eq!(Arch::Gfx942.fp8_e4m3(), DType::F8E4M3Fnuz);
        assert_eq!(Arch::Gfx950.fp8_e5m2(), DType::F8E5M2);
        assert_eq!(Arch::Gfx1250.wave_size(), 32);
        assert_eq!(Arch::Gfx950.to_string(), "gfx950");
    }
}
