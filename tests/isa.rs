//! The ISA gate: every kernel built into the crate, checked on its real gfx942 and gfx950 code objects.
//!
//! Rules (hipforge::isa::gate_violations): the kernel exists for both archs, scratch is 0, VGPR+AGPR ≤ 512, static +
//! declared dynamic LDS (`HF_DYNAMIC_LDS`) within the arch (64 KiB gfx942, 160 KiB gfx950), no LDS instructions in a
//! kernel without LDS, and every `HF_ISA_EXPECT` instruction is in the code. Plus (hipforge::isa::
//! interleave_violations) every `HF_ISA_INTERLEAVE` minimum is met by the measured schedule.
//! Without a HIP-capable compiler at build time the gate skips with the reason, unless
//! `HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1`, which makes the skip a failure. The planted-failure test compiles
//! tests/isa_fixtures/planted.hip and shows the gate rejecting it; tests/isa_fixtures/sched.hip and lds_tr.hip check
//! that hipforge's scheduling primitives and transposing-LDS-read wrappers become the promised instructions.
// Every test here needs the `gpu-kernels` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "gpu-kernels")]

mod common;

use hipforge::isa;
use hipforge::kernels;
use std::path::Path;
use std::process::Command;

const GATED_ARCHS: [&str; 2] = ["gfx942", "gfx950"];

/// False (after printing why) when the GPU build is absent and that is allowed.
fn toolchain_present(test: &str) -> bool {
    let archs_ok = GATED_ARCHS.iter().all(|a| kernels::GPU_ARCHS.contains(a));
    if archs_ok {
        return true;
    }
    let why = if kernels::GPU_ARCHS.is_empty() {
        kernels::GPU_BUILD_NOTE.to_string()
    } else {
        format!("built for {:?} only (HIPFORGE_ARCHS)", kernels::GPU_ARCHS)
    };
    if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").is_ok_and(|v| v == "1") {
        panic!("{test}: HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1 but the gfx942/gfx950 code objects are missing: {why}");
    }
    eprintln!("{test}: SKIPPED, no gfx942+gfx950 code objects in this build: {why}");
    false
}

#[test]
fn gpu_build_had_no_compile_errors() {
    if !toolchain_present("gpu_build_had_no_compile_errors") {
        return;
    }
    let errors: Vec<String> = kernels::GPU_BUILD_ERRORS
        .iter()
        .map(|(arch, src, msg)| format!("{src} for {arch}:\n{msg}"))
        .collect();
    assert!(
        errors.is_empty(),
        "kernel sources failed to compile:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_kernel_passes_the_gate_on_gfx942_and_gfx950() {
    if !toolchain_present("every_kernel_passes_the_gate_on_gfx942_and_gfx950") {
        return;
    }
    assert!(
        kernels::find("hf_quant_f32_fp8_row").is_some(),
        "the kernel table lost the quantization kernels"
    );
    let mut violations = Vec::new();
    let mut checked = 0;
    let mut interleave_checked = 0;
    for k in kernels::KERNELS {
        for arch in GATED_ARCHS {
            let report = match isa::report(arch, k.name) {
                Ok(r) => r,
                Err(e) => {
                    violations.push(format!("{} on {arch}: {e}", k.name));
                    continue;
                }
            };
            let Some(facts) = kernels::GPU_DISASM
                .iter()
                .find(|d| d.arch == arch && d.kernel == k.name)
            else {
                violations.push(format!(
                    "{} on {arch}: no disassembly facts (was llvm-objdump found at build time? {})",
                    k.name,
                    kernels::GPU_BUILD_NOTE
                ));
                continue;
            };
            violations.extend(isa::gate_violations(
                arch,
                &report.resources,
                facts.mnemonics,
                k.isa_expect,
            ));
            violations.extend(isa::interleave_violations(
                arch,
                k.name,
                facts.interleave,
                k.isa_interleave,
            ));
            interleave_checked += k.isa_interleave.iter().filter(|d| d.0 == arch).count();
            checked += 1;
        }
    }
    assert!(violations.is_empty(), "ISA gate failed:\n{}", violations.join("\n"));
    assert_eq!(checked, kernels::KERNELS.len() * GATED_ARCHS.len());
    // The attention kernels declare their MFMA/softmax interleave; losing the declarations must not pass silently.
    for name in [
        "hf_attn_fwd_bf16_d128",
        "hf_attn_fwd_f8e4m3_d64",
        "hf_attn_decode_f16_d128",
    ] {
        let k = kernels::find(name).expect("attention kernel in the table");
        for arch in GATED_ARCHS {
            assert!(
                k.isa_interleave
                    .iter()
                    .any(|d| d.0 == arch && d.1 == "v_mfma" && d.2 == "v_exp_f32"),
                "{name} lost its HF_ISA_INTERLEAVE declaration for {arch}"
            );
        }
    }
    eprintln!("ISA gate: {checked} kernel/arch pairs pass ({interleave_checked} interleave declarations)");
}

#[test]
fn code_object_metadata_matches_the_table() {
    if !toolchain_present("code_object_metadata_matches_the_table") {
        return;
    }
    for arch in GATED_ARCHS {
        let k = kernels::KERNELS[0].name;
        let co = kernels::code_object(arch, k).expect("code object");
        assert_eq!(
            isa::read_target(co).unwrap(),
            arch,
            "{k}: code object built for the wrong arch"
        );
        let names: Vec<String> = isa::read_resources(co).unwrap().into_iter().map(|r| r.kernel).collect();
        let src = kernels::find(k).unwrap().source;
        for other in kernels::KERNELS.iter().filter(|o| o.source == src) {
            assert!(
                names.contains(&other.name.to_string()),
                "{} missing from {src} on {arch}: {names:?}",
                other.name
            );
        }
    }
    assert!(kernels::code_object("gfx942", "hf_no_such_kernel").is_none());
    assert!(kernels::code_object("gfx90a", kernels::KERNELS[0].name).is_none());
    assert!(matches!(
        isa::report("gfx90a", kernels::KERNELS[0].name),
        Err(hipforge::Error::KernelNotBuilt { .. })
    ));
}

fn declared_expectations(source: &str, kernel: &str) -> Vec<(String, String)> {
    source
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("HF_ISA_EXPECT(")?
                .strip_suffix(')')
                .map(str::to_string)
        })
        .filter_map(|args| {
            let parts: Vec<&str> = args.split(',').map(str::trim).collect();
            (parts.len() == 3 && parts[0] == kernel)
                .then(|| (parts[1].to_string(), parts[2].trim_matches('"').to_string()))
        })
        .collect()
}

/// `(arch, prefix A, prefix B, minimum)` of every `HF_ISA_INTERLEAVE(kernel, ...)` line of `source`.
fn declared_interleaves(source: &str, kernel: &str) -> Vec<(String, String, String, u32)> {
    source
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("HF_ISA_INTERLEAVE(")?
                .strip_suffix(')')
                .map(str::to_string)
        })
        .filter_map(|args| {
            let p: Vec<&str> = args.split(',').map(str::trim).collect();
            if p.len() != 5 || p[0] != kernel {
                return None;
            }
            let unquote = |x: &str| x.trim_matches('"').to_string();
            Some((p[1].to_string(), unquote(p[2]), unquote(p[3]), p[4].parse().ok()?))
        })
        .collect()
}

#[test]
fn planted_failures_are_caught() {
    if !toolchain_present("planted_failures_are_caught") {
        return;
    }
    if kernels::GPU_OBJDUMP_PATH.is_empty() {
        panic!("the build found a compiler but no llvm-objdump; the gate cannot check instructions");
    }
    let dir = std::env::temp_dir().join(format!("hipforge-isa-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/isa_fixtures/planted.hip")).unwrap();
    for arch in GATED_ARCHS {
        let co_path = common::fixture::compile("planted", arch, &dir);
        let co = std::fs::read(&co_path).unwrap();
        let resources = isa::read_resources(&co).unwrap();
        let dis = Command::new(kernels::GPU_OBJDUMP_PATH)
            .arg("-d")
            .arg(&co_path)
            .output()
            .unwrap();
        assert!(dis.status.success());
        let functions = isa::disasm::analyze(&String::from_utf8_lossy(&dis.stdout));
        let check = |kernel: &str| {
            let r = resources
                .iter()
                .find(|r| r.kernel == kernel)
                .expect("fixture kernel in metadata");
            let f = functions
                .iter()
                .find(|f| f.name == kernel)
                .expect("fixture kernel in disassembly");
            let mn: Vec<(&str, u32)> = f.mnemonics.iter().map(|(m, n)| (m.as_str(), *n)).collect();
            let exp_owned = declared_expectations(&source, kernel);
            let exp: Vec<(&str, &str)> = exp_owned.iter().map(|(a, m)| (a.as_str(), m.as_str())).collect();
            isa::gate_violations(arch, r, &mn, &exp)
        };
        let scratch = check("hf_fixture_scratch");
        assert!(
            scratch.len() == 1 && scratch[0].contains("scratch"),
            "{arch}: the scratch fixture should violate exactly the scratch rule: {scratch:?}"
        );
        let no_mfma = check("hf_fixture_no_mfma");
        assert!(
            no_mfma.len() == 1 && no_mfma[0].contains("v_mfma"),
            "{arch}: the no-MFMA fixture should violate exactly its HF_ISA_EXPECT: {no_mfma:?}"
        );
        let undeclared = check("hf_fixture_undeclared_lds");
        assert!(
            undeclared.len() == 1 && undeclared[0].contains("HF_DYNAMIC_LDS"),
            "{arch}: the undeclared-LDS fixture should violate exactly the LDS declaration rule: {undeclared:?}"
        );
        // The declaration is read back from the code object's symbol table: 96 KiB, as the fixture source says.
        assert_eq!(
            isa::read_dynamic_lds(&co, "hf_fixture_lds_too_big").unwrap(),
            Some(96 * 1024),
            "{arch}: declared dynamic LDS read from the code object"
        );
        assert_eq!(isa::read_dynamic_lds(&co, "hf_fixture_scratch").unwrap(), None);
        // The interleave rule, on the measured schedule of two twins (same work; only one interleaved).
        let interleave = |kernel: &str| {
            let f = functions
                .iter()
                .find(|f| f.name == kernel)
                .expect("fixture kernel in disassembly");
            let declared = declared_interleaves(&source, kernel);
            assert_eq!(
                declared.len(),
                2,
                "{kernel}: one HF_ISA_INTERLEAVE per arch in the fixture"
            );
            let measured: Vec<(&str, &str, u32)> = declared
                .iter()
                .map(|(_, a, b, _)| (a.as_str(), b.as_str(), f.max_alternations(a, b)))
                .collect();
            let decl: Vec<(&str, &str, &str, u32)> = declared
                .iter()
                .map(|(ar, a, b, n)| (ar.as_str(), a.as_str(), b.as_str(), *n))
                .collect();
            let mut v = check(kernel);
            v.extend(isa::interleave_violations(arch, kernel, &measured, &decl));
            v
        };
        let apart = interleave("hf_fixture_not_interleaved");
        assert!(
            apart.len() == 1 && apart[0].contains("did not interleave"),
            "{arch}: the fenced MFMA-then-exp fixture should violate exactly its HF_ISA_INTERLEAVE: {apart:?}"
        );
        let woven = interleave("hf_fixture_interleaved");
        assert!(woven.is_empty(), "{arch}: the interleaved twin should pass: {woven:?}");
        let too_big = check("hf_fixture_lds_too_big");
        if arch == "gfx942" {
            assert!(
                too_big.len() == 1 && too_big[0].contains("98304 bytes of LDS"),
                "gfx942: 96 KiB of declared LDS should violate exactly the LDS limit: {too_big:?}"
            );
        } else {
            assert!(too_big.is_empty(), "{arch}: 96 KiB fits 160 KiB: {too_big:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sched_primitives_emit_the_promised_instructions() {
    if !toolchain_present("sched_primitives_emit_the_promised_instructions") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("hipforge-isa-sched-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for arch in GATED_ARCHS {
        let out = common::fixture::compile("sched", arch, &dir);
        let dis = Command::new(kernels::GPU_OBJDUMP_PATH)
            .arg("-d")
            .arg(&out)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&dis.stdout);
        // wait_vmem<5>() and wait_lds<3>() back to back: the hardware waits on both counters in one s_waitcnt.
        assert!(
            text.contains("vmcnt(5)"),
            "{arch}: wait_vmem<5> did not become vmcnt(5):\n{text}"
        );
        assert!(
            text.contains("lgkmcnt(3)"),
            "{arch}: wait_lds<3> did not become lgkmcnt(3):\n{text}"
        );
        assert!(
            text.contains("s_setprio 1") && text.contains("s_setprio 0"),
            "{arch}: prio_high/low missing"
        );
        // __launch_bounds__(64) reached the metadata.
        let r = isa::read_resources(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(r[0].max_block_threads, 64);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lds_tr_wrappers_emit_the_transposing_reads_on_gfx950_only() {
    if !toolchain_present("lds_tr_wrappers_emit_the_transposing_reads_on_gfx950_only") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("hipforge-isa-lds-tr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // gfx950: hf::lds_read_tr16_b64_bf16 (twice) and hf::lds_read_tr8_b64 become the instructions.
    let out = common::fixture::compile("lds_tr", "gfx950", &dir);
    let dis = Command::new(kernels::GPU_OBJDUMP_PATH)
        .arg("-d")
        .arg(&out)
        .output()
        .unwrap();
    assert!(dis.status.success());
    let text = String::from_utf8_lossy(&dis.stdout);
    let count = |m: &str| text.lines().filter(|l| l.split_whitespace().next() == Some(m)).count();
    assert_eq!(
        count("ds_read_b64_tr_b16"),
        2,
        "gfx950: two ds_read_b64_tr_b16 expected:\n{text}"
    );
    assert_eq!(
        count("ds_read_b64_tr_b8"),
        1,
        "gfx950: one ds_read_b64_tr_b8 expected:\n{text}"
    );
    // gfx942: no such instruction; the wrapper's static_assert names the reason.
    match common::fixture::try_compile("lds_tr", "gfx942", &dir) {
        Ok(_) => panic!("gfx942: a call to hf::lds_read_tr16_b64_bf16 compiled; it must be a compile error"),
        Err(msg) => {
            assert!(
                msg.contains("static assertion failed")
                    && msg.contains("ds_read_b64_tr_b16 exists on gfx950 only")
                    && msg.contains("ds_read_b64_tr_b8 exists on gfx950 only"),
                "gfx942: the compile error is not the wrappers' static_assert:\n{msg}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
