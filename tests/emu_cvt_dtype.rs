//! The emulator's FP8 conversion builtins against `hipforge::dtype`, over all 256 codes of each format and a few
//! thousand encode inputs (every representable value, every midpoint between neighbours and the floats just beside
//! it, overflow, underflow, ±0, ±Inf, NaN).
//!
//! This test writes the table from the Rust types, compiles `tests/emu/cvt_codes.cpp` for gfx942 and gfx950 with the
//! host clang, and runs it with the table: the C++ side calls the builtins (`cvt_f32_fp8/bf8`,
//! `cvt_pk_fp8/bf8_f32`, and on gfx950 `cvt_scalef32_pk_*` with scale 1) and compares. gfx942 checks the FNUZ
//! rows, gfx950 the OCP rows. The Rust `from_f32` and the emulator's builtins are both non-saturating (the emulator's
//! stated assumption for gfx942's cvt, docs/emulator-builtins.md); NaN results are compared as NaN, not by sign.
//! Without a host clang++ the test skips with a message, unless `HIPFORGE_REQUIRE_EMULATOR=1`.
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use hipforge::dtype::{F8E4M3Fnuz, F8E5M2Fnuz, F8E4M3, F8E5M2};

mod common;
use common::host_clang::host_clang;

/// One FP8 format as the table needs it.
struct Fmt {
    id: u32,
    decode: fn(u8) -> f32,
    encode: fn(f32) -> u8,
}

const FORMATS: [Fmt; 4] = [
    Fmt {
        id: 0,
        decode: |c| F8E4M3::from_bits(c).to_f32(),
        encode: |x| F8E4M3::from_f32(x).to_bits(),
    },
    Fmt {
        id: 1,
        decode: |c| F8E5M2::from_bits(c).to_f32(),
        encode: |x| F8E5M2::from_f32(x).to_bits(),
    },
    Fmt {
        id: 2,
        decode: |c| F8E4M3Fnuz::from_bits(c).to_f32(),
        encode: |x| F8E4M3Fnuz::from_f32(x).to_bits(),
    },
    Fmt {
        id: 3,
        decode: |c| F8E5M2Fnuz::from_bits(c).to_f32(),
        encode: |x| F8E5M2Fnuz::from_f32(x).to_bits(),
    },
];

fn encode_inputs(f: &Fmt) -> Vec<f32> {
    let mut finite: Vec<f32> = (0..=255u8).map(f.decode).filter(|v| v.is_finite()).collect();
    finite.sort_by(|a, b| a.partial_cmp(b).unwrap());
    finite.dedup();
    let mut xs = finite.clone();
    for w in finite.windows(2) {
        let mid = ((w[0] as f64 + w[1] as f64) / 2.0) as f32; // exact: neighbours differ in few bits
        xs.push(mid);
        xs.push(f32::from_bits(mid.to_bits() + 1));
        if mid != 0.0 {
            xs.push(f32::from_bits(mid.to_bits() - 1));
        }
    }
    let max = *finite.last().unwrap();
    let tiny = finite
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f32::INFINITY, f32::min);
    for x in [
        max * 1.01,
        max * 1.07,
        max * 2.0,
        1e30,
        tiny / 2.0,
        tiny * 0.75,
        tiny / 4.0,
        1e-30,
        0.0,
    ] {
        xs.push(x);
        xs.push(-x);
    }
    xs.extend([f32::INFINITY, f32::NEG_INFINITY, f32::NAN]);
    xs
}

fn table() -> String {
    let mut s = String::new();
    for f in &FORMATS {
        for c in 0..=255u8 {
            writeln!(s, "D {} {:02x} {:08x}", f.id, c, (f.decode)(c).to_bits()).unwrap();
        }
        for x in encode_inputs(f) {
            writeln!(s, "E {} {:08x} {:02x}", f.id, x.to_bits(), (f.encode)(x)).unwrap();
        }
    }
    s
}

#[test]
fn fp8_conversion_builtins_match_dtype() {
    let Some(clang) = host_clang() else {
        let msg = "no host clang++ (set HIPFORGE_HOST_CLANG): emulator conversion builtins not checked";
        if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
            panic!("{msg}");
        }
        eprintln!("SKIP: {msg}");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir: PathBuf = std::env::temp_dir().join(format!("hipforge-cvt-dtype-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table_path = dir.join("cvt_table.txt");
    std::fs::write(&table_path, table()).unwrap();
    for arch in ["942", "950"] {
        let exe = dir.join(format!("cvt_codes_{arch}"));
        // The conversion builtins are per lane and need no runtime, so the test links without kernels/emu/*.cpp
        // (tests/emulator.rs runs the same file through the full contract build).
        let out = Command::new(&clang)
            .args([
                "-std=c++20",
                "-O2",
                "-DHIPFORGE_EMULATOR",
                &format!("-DHIPFORGE_EMU_ARCH={arch}"),
            ])
            .arg("-I")
            .arg(root.join("kernels/include"))
            .arg("-I")
            .arg(root.join("tests/emu"))
            .arg(root.join("tests/emu/cvt_codes.cpp"))
            .arg("-o")
            .arg(&exe)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "compiling cvt_codes.cpp for gfx{arch}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run = Command::new(&exe).arg(&table_path).output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        println!("gfx{arch}:\n{stdout}");
        assert!(run.status.success(), "cvt_codes gfx{arch} failed:\n{stdout}");
        assert!(
            stdout.contains("against hipforge::dtype"),
            "the table section ran for gfx{arch}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
