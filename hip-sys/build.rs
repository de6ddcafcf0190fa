//! Runs bindgen against the installed HIP headers when they exist; otherwise the crate uses only its committed
//! ROCm 6/7 bindings (src/types.rs). Never probes a GPU, never links ROCm.
//!
//! Search: $ROCM_PATH/include, $HIP_PATH/include, /opt/rocm/include, /usr/include (Debian's libamdhip64-dev).
//! Without the `bindgen` feature, bindgen is not even compiled. With it, `HIP_SYS_NO_BINDGEN=1` skips it, and a
//! bindgen that cannot run (no headers, no libclang — bindgen looks in `LIBCLANG_PATH`, then the usual places — or
//! headers it cannot parse) is one `cargo:warning` and the committed bindings, never a panic.
//! `HIPFORGE_REQUIRE_BINDGEN=1` (CI) makes any of those fallbacks a build error instead.

use std::path::{Path, PathBuf};

fn include_candidates() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for var in ["ROCM_PATH", "HIP_PATH"] {
        if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            v.push(PathBuf::from(p).join("include"));
        }
    }
    v.push("/opt/rocm/include".into());
    v.push("/usr/include".into());
    v
}

fn note(out: &Path, text: &str) {
    println!("cargo:rustc-env=HIP_SYS_BINDGEN_NOTE={text}");
    let _ = std::fs::write(out.join("bindgen_note.txt"), text);
}

fn main() {
    for var in [
        "ROCM_PATH",
        "HIP_PATH",
        "HIP_SYS_NO_BINDGEN",
        "HIPFORGE_REQUIRE_BINDGEN",
        "LIBCLANG_PATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(hip_sys_installed)");
    println!("cargo:rustc-check-cfg=cfg(hip_sys_installed_pre6)");
    println!("cargo:rustc-check-cfg=cfg(hip_sys_installed_r0600)");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let required = std::env::var("HIPFORGE_REQUIRE_BINDGEN").as_deref() == Ok("1");

    if !cfg!(feature = "bindgen") {
        let msg = "bindgen not compiled (feature `bindgen` of hipforge-sys is off): using committed bindings";
        if required {
            panic!("HIPFORGE_REQUIRE_BINDGEN=1 but {msg}");
        }
        note(&out, msg);
        return;
    }
    if std::env::var("HIP_SYS_NO_BINDGEN").as_deref() == Ok("1") {
        note(&out, "bindgen skipped (HIP_SYS_NO_BINDGEN=1)");
        return;
    }
    let Some(inc) = include_candidates()
        .into_iter()
        .find(|d| d.join("hip/hip_runtime_api.h").is_file())
    else {
        let msg =
            "no HIP headers found (ROCM_PATH, HIP_PATH, /opt/rocm/include, /usr/include): using committed bindings";
        if required {
            panic!("HIPFORGE_REQUIRE_BINDGEN=1 but {msg}");
        }
        note(&out, msg);
        return;
    };
    println!("cargo:rerun-if-changed={}", inc.join("hip/hip_runtime_api.h").display());
    println!("cargo:rerun-if-changed={}", inc.join("hip/hip_version.h").display());

    match generate(&inc, &out.join("installed_hip.rs")) {
        Ok(()) => {
            println!("cargo:rustc-cfg=hip_sys_installed");
            let generated = std::fs::read_to_string(out.join("installed_hip.rs")).unwrap_or_default();
            write_consts(&generated, &out.join("installed_consts.rs"));
            if generated.contains("pub struct hipDeviceProp_tR0600 ") {
                println!("cargo:rustc-cfg=hip_sys_installed_r0600");
            }
            if header_major(&inc).is_some_and(|m| m < 6) {
                println!("cargo:rustc-cfg=hip_sys_installed_pre6");
            }
            println!("cargo:rustc-env=HIP_SYS_INCLUDE_DIR={}", inc.display());
            note(&out, "");
        }
        Err(e) => {
            let msg = format!("bindgen failed on {}: {e}; using committed bindings", inc.display());
            if required {
                panic!("HIPFORGE_REQUIRE_BINDGEN=1 but {msg}");
            }
            println!("cargo:warning={msg}");
            note(&out, &msg.replace('\n', " "));
        }
    }
}

/// Runs [`bindgen_generate`], turning a panic inside bindgen (it panics when libclang cannot be loaded) into an error.
#[cfg(feature = "bindgen")]
fn generate(inc: &Path, dest: &Path) -> Result<(), String> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(|| bindgen_generate(inc, dest));
    std::panic::set_hook(quiet);
    match r {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "bindgen panicked".into());
            Err(format!(
                "{what} (is libclang installed? set LIBCLANG_PATH to its directory)"
            ))
        }
    }
}

#[cfg(not(feature = "bindgen"))]
fn generate(_inc: &Path, _dest: &Path) -> Result<(), String> {
    Err("feature `bindgen` is off".into())
}

/// Types and enum values of the installed release. Functions are not generated: they are resolved at run time
/// (src/hip.rs), and their signatures are the same across releases for the subset used.
#[cfg(feature = "bindgen")]
fn bindgen_generate(inc: &Path, dest: &Path) -> Result<(), String> {
    let wrapper = "#include <hip/hip_version.h>\n#include <hip/hip_runtime_api.h>\n#include <hip/library_types.h>\n";
    let bindings = bindgen::Builder::default()
        .header_contents("hip_sys_wrapper.h", wrapper)
        .clang_arg(format!("-I{}", inc.display()))
        .clang_arg("-D__HIP_PLATFORM_AMD__=1")
        .clang_arg("-xc")
        .allowlist_type("hipError_t")
        .allowlist_type("hipMemcpyKind")
        .allowlist_type("hipDeviceAttribute_t")
        .allowlist_type("hipDataType")
        .allowlist_type("hipDeviceProp_t")
        .allowlist_type("hipDeviceProp_tR0600")
        .allowlist_type("hipDeviceProp_tR0000")
        .allowlist_var("HIP_VERSION_MAJOR|HIP_VERSION_MINOR|HIP_VERSION_PATCH")
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .derive_default(true)
        .layout_tests(true)
        .generate_comments(false)
        .generate()
        .map_err(|e| e.to_string())?;
    bindings.write_to_file(dest).map_err(|e| e.to_string())
}

/// `HIP_VERSION_MAJOR` from `hip/hip_version.h`.
fn header_major(inc: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(inc.join("hip/hip_version.h")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("#define HIP_VERSION_MAJOR"))
        .and_then(|v| v.trim().parse().ok())
}

/// Every integer constant bindgen produced, as `(name, value)`: lets tests compare the committed ABI values with the
/// installed headers' without naming constants that a given release may lack.
fn write_consts(generated: &str, dest: &Path) {
    let mut rows = String::from("&[\n");
    for line in generated.lines() {
        let Some(rest) = line.trim().strip_prefix("pub const ") else {
            continue;
        };
        let Some((name, rest)) = rest.split_once(':') else {
            continue;
        };
        let Some((_, value)) = rest.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_end_matches(';').trim();
        let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '_');
        if let Ok(v) = digits.parse::<i64>() {
            rows.push_str(&format!("    ({:?}, {v}),\n", name.trim()));
        }
    }
    rows.push(']');
    let _ = std::fs::write(dest, rows);
}
