//! Finds kernel sources and their `HF_EXPORT` / `HF_ISA_EXPECT` / `HF_ISA_INTERLEAVE` / `HF_MODEL_PATH` /
//! `HF_MODEL_EXPECT` declarations; writes the Rust kernel table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One `kernels/**/*.hip` file.
pub struct Source {
    pub path: PathBuf,
    /// Path relative to `kernels/`, with `/` separators.
    pub rel: String,
    pub kernels: Vec<Kernel>,
}

/// One exported kernel.
pub struct Kernel {
    pub name: String,
    /// The params type named in `HF_EXPORT` (for build steps that generate per-kernel code; unused by the GPU build).
    #[allow(dead_code)]
    pub params: String,
    /// (arch, mnemonic) pairs from `HF_ISA_EXPECT`.
    pub isa_expect: Vec<(String, String)>,
    /// (arch, prefix A, prefix B, minimum alternations) from `HF_ISA_INTERLEAVE`.
    pub isa_interleave: Vec<(String, String, String, u32)>,
    /// (arch, rule) from `HF_MODEL_PATH`: how to pick the steady-state path (src/isa/loops.rs).
    pub model_path: Vec<(String, String)>,
    /// (arch, expression) from `HF_MODEL_EXPECT`: the model's gates.
    pub model_expect: Vec<(String, String)>,
}

impl Kernel {
    /// The `HF_MODEL_PATH` rules of this kernel for `arch`.
    pub fn path_rules(&self, arch: &str) -> Vec<String> {
        self.model_path
            .iter()
            .filter(|(a, _)| a == arch || a == "all")
            .map(|(_, r)| r.clone())
            .collect()
    }
}

pub fn scan(kernels_dir: &Path) -> Vec<Source> {
    println!("cargo:rerun-if-changed={}", kernels_dir.display());
    let mut files = Vec::new();
    walk(kernels_dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut kernels: Vec<Kernel> = Vec::new();
        for args in macro_calls(&text, "HF_EXPORT") {
            if args.len() == 2 {
                kernels.push(Kernel {
                    name: args[0].clone(),
                    params: args[1].clone(),
                    isa_expect: Vec::new(),
                    isa_interleave: Vec::new(),
                    model_path: Vec::new(),
                    model_expect: Vec::new(),
                });
            }
        }
        for args in macro_calls(&text, "HF_ISA_EXPECT") {
            if args.len() == 3 {
                if let Some(k) = kernels.iter_mut().find(|k| k.name == args[0]) {
                    k.isa_expect
                        .push((args[1].clone(), args[2].trim_matches('"').to_string()));
                }
            }
        }
        for args in macro_calls(&text, "HF_ISA_INTERLEAVE") {
            if args.len() == 5 {
                if let (Some(k), Ok(min)) = (kernels.iter_mut().find(|k| k.name == args[0]), args[4].parse()) {
                    let unquote = |x: &String| x.trim_matches('"').to_string();
                    k.isa_interleave
                        .push((args[1].clone(), unquote(&args[2]), unquote(&args[3]), min));
                }
            }
        }
        // HF_MODEL_PATH(kernel, arch, "rule", ...) and HF_MODEL_EXPECT(kernel, arch, "expr", ...): variadic.
        for (mac, is_path) in [("HF_MODEL_PATH", true), ("HF_MODEL_EXPECT", false)] {
            for args in macro_calls(&text, mac) {
                if args.len() < 3 {
                    continue;
                }
                if let Some(k) = kernels.iter_mut().find(|k| k.name == args[0]) {
                    for a in &args[2..] {
                        let v = (args[1].clone(), a.trim_matches('"').to_string());
                        if is_path {
                            k.model_path.push(v);
                        } else {
                            k.model_expect.push(v);
                        }
                    }
                }
            }
        }
        let rel = path
            .strip_prefix(kernels_dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.push(Source { path, rel, kernels });
    }
    out
}

/// Every distinct (prefix A, prefix B) pair declared with `HF_ISA_INTERLEAVE` in `sources`.
pub fn interleave_pairs(sources: &[Source]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = sources
        .iter()
        .flat_map(|s| &s.kernels)
        .flat_map(|k| &k.isa_interleave)
        .map(|(_, a, b, _)| (a.clone(), b.clone()))
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "hip") {
            files.push(p);
        }
    }
}

/// Arguments of every `NAME(a, b, ...)` call at the start of a line (after whitespace), comments skipped.
/// Lines of a `#define` (the directive and its `\` continuations) are skipped: a macro's body is not a declaration.
fn macro_calls(text: &str, name: &str) -> Vec<Vec<String>> {
    let mut calls = Vec::new();
    let mut in_define = false;
    for line in text.lines() {
        let l = line.trim_start();
        let continued = line.trim_end().ends_with('\\');
        if in_define || l.starts_with('#') {
            in_define = continued;
            continue;
        }
        if let Some(rest) = l.strip_prefix(name) {
            let rest = rest.trim_start();
            if let Some(body) = rest.strip_prefix('(') {
                if let Some(end) = body.find(')') {
                    calls.push(body[..end].split(',').map(|s| s.trim().to_string()).collect());
                }
            }
        }
    }
    calls
}

pub fn write_table(sources: &[Source], gpu: &super::gpu::GpuBuild, emu: &super::emu::EmuBuild, out: &Path) {
    let mut s = String::new();
    writeln!(s, "/// Every kernel exported by `kernels/` (from `HF_EXPORT`).").unwrap();
    writeln!(s, "pub static KERNELS: &[KernelInfo] = &[").unwrap();
    for src in sources {
        for k in &src.kernels {
            let exp: Vec<String> = k.isa_expect.iter().map(|(a, m)| format!("({a:?}, {m:?})")).collect();
            let il: Vec<String> = k
                .isa_interleave
                .iter()
                .map(|(arch, a, b, n)| format!("({arch:?}, {a:?}, {b:?}, {n})"))
                .collect();
            let pairs = |v: &[(String, String)]| {
                v.iter()
                    .map(|(a, x)| format!("({a:?}, {x:?})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                s,
                "    KernelInfo {{ name: {:?}, source: {:?}, isa_expect: &[{}], isa_interleave: &[{}], \
                 model_path: &[{}], model_expect: &[{}] }},",
                k.name,
                src.rel,
                exp.join(", "),
                il.join(", "),
                pairs(&k.model_path),
                pairs(&k.model_expect)
            )
            .unwrap();
        }
    }
    writeln!(s, "];").unwrap();
    s.push_str(&gpu.table_rust());
    s.push_str(&emu.table_rust());
    std::fs::write(out.join("kernel_table.rs"), s).unwrap();
}
