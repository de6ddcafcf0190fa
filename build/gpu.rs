//! GPU build: one AMDGPU code object (ELF) per kernel source and arch of `HIPFORGE_ARCHS`, embedded in the crate.
//!
//! Compiler search order (first usable wins): `HIPFORGE_HIP_CLANG`, `$ROCM_PATH/llvm/bin/clang++`,
//! `/opt/rocm/llvm/bin/clang++`, then `clang++-22`, `clang++-21`, `clang++-20` on `PATH`. "Usable" means it runs
//! and accepts every requested arch (checked by compiling an empty HIP file per arch, so AMD's forks that backport an
//! arch to an older LLVM are judged by what they do, not by their version number). Never probes a GPU.
//!
//! Without a usable compiler: one `cargo:warning`, no code objects, and `GPU_BUILD_NOTE` says why. A kernel source
//! that fails to compile does not stop the build (the emulator and reference keep working for everyone else); the
//! compiler's message lands in `GPU_BUILD_ERRORS` and the ISA gate (tests/isa.rs) fails on the missing kernel.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use super::disasm;
use super::scan::Source;

/// Archs accepted in `HIPFORGE_ARCHS`, with the LLVM major version that introduced each (for messages).
const KNOWN_ARCHS: &[(&str, u32)] = &[("gfx942", 17), ("gfx950", 20), ("gfx1250", 22)];
const DEFAULT_ARCHS: &str = "gfx942;gfx950";

/// One compiled code object.
pub struct CodeObject {
    pub arch: String,
    /// The source, relative to `kernels/`.
    pub source: String,
    pub path: PathBuf,
    /// Per-kernel facts from the disassembly (empty when no disassembler was found).
    pub functions: Vec<disasm::FunctionSummary>,
}

pub struct GpuBuild {
    pub archs: Vec<String>,
    pub note: String,
    /// The compiler used, e.g. "/usr/bin/clang++-22 (Debian clang version 22.1.8)"; empty when none.
    pub compiler: String,
    pub compiler_path: String,
    pub objdump_path: String,
    pub objects: Vec<CodeObject>,
    /// (arch, source, compiler message) for every source that failed to compile.
    pub errors: Vec<(String, String, String)>,
    /// Every (prefix A, prefix B) pair some kernel declares with `HF_ISA_INTERLEAVE`: the table records each
    /// function's interleave metric for them (`DisasmFacts::interleave`).
    pub interleave_pairs: Vec<(String, String)>,
}

impl GpuBuild {
    pub fn absent(note: String) -> GpuBuild {
        GpuBuild {
            archs: Vec::new(),
            note,
            compiler: String::new(),
            compiler_path: String::new(),
            objdump_path: String::new(),
            objects: Vec::new(),
            errors: Vec::new(),
            interleave_pairs: Vec::new(),
        }
    }

    pub fn table_rust(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "/// Archs the GPU code objects were built for.\npub static GPU_ARCHS: &[&str] = &{:?};\n\
             /// Why GPU code is absent or incomplete, when it is (empty when every source compiled).\n\
             pub static GPU_BUILD_NOTE: &str = {:?};\n\
             /// The compiler that built the code objects (path and version), empty when none was found.\n\
             pub static GPU_COMPILER: &str = {:?};\n\
             /// Path of that compiler, for tests that compile fixtures the same way (empty when none).\n\
             pub static GPU_COMPILER_PATH: &str = {:?};\n\
             /// Path of the llvm-objdump the build used (empty when none).\n\
             pub static GPU_OBJDUMP_PATH: &str = {:?};\n",
            self.archs, self.note, self.compiler, self.compiler_path, self.objdump_path
        ));
        s.push_str("/// `(arch, source, compiler message)` for every kernel source that failed to compile.\n");
        s.push_str("pub static GPU_BUILD_ERRORS: &[(&str, &str, &str)] = &[\n");
        for (a, src, msg) in &self.errors {
            s.push_str(&format!("    ({a:?}, {src:?}, {msg:?}),\n"));
        }
        s.push_str("];\n");
        s.push_str("/// `(arch, source, code object)` for every compiled kernel source.\n");
        s.push_str("pub static CODE_OBJECTS: &[(&str, &str, &[u8])] = &[\n");
        for o in &self.objects {
            s.push_str(&format!(
                "    ({:?}, {:?}, include_bytes!({:?})),\n",
                o.arch,
                o.source,
                o.path.display().to_string()
            ));
        }
        s.push_str("];\n");
        // The steady-state paths, interned: every distinct instruction key once, each path as indices into it.
        let mut keys: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut paths: Vec<String> = Vec::new();
        for o in &self.objects {
            for f in &o.functions {
                let ids: Vec<String> = f
                    .main_loop
                    .iter()
                    .flat_map(|m| &m.path)
                    .map(|k| {
                        let n = index.len();
                        let i = *index.entry(k.clone()).or_insert(n);
                        if i == keys.len() {
                            keys.push(k.clone());
                        }
                        i.to_string()
                    })
                    .collect();
                paths.push(ids.join(","));
            }
        }
        s.push_str("/// Every distinct instruction key (`isa::disasm::model_key`) of the steady-state paths.\n");
        s.push_str(&format!("pub static MODEL_KEYS: &[&str] = &{keys:?};\n"));
        s.push_str(
            "/// Facts the build read from each kernel's disassembly (matrix instructions, main loop).\n\
             pub static GPU_DISASM: &[DisasmFacts] = &[\n",
        );
        let mut path_iter = paths.iter();
        for o in &self.objects {
            for f in &o.functions {
                let hist = |v: &[(String, u32)]| {
                    v.iter()
                        .map(|(m, n)| format!("({m:?}, {n})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let interleave: Vec<String> = self
                    .interleave_pairs
                    .iter()
                    .map(|(a, b)| format!("({a:?}, {b:?}, {})", f.max_alternations(a, b)))
                    .collect();
                let path = path_iter.next().expect("one path per function");
                let main_loop = match &f.main_loop {
                    None => "None".to_string(),
                    Some(m) => format!(
                        "Some(MainLoop {{ header_addr: {}, blocks: {}, instructions: {}, path_blocks: {}, \
                         path: &[{path}], rules_met: &{:?} }})",
                        m.header_addr, m.blocks, m.instructions, m.path_blocks, m.rules_met
                    ),
                };
                s.push_str(&format!(
                    "    DisasmFacts {{ arch: {:?}, kernel: {:?}, instructions: {}, main_loop_instructions: {:?}, \
                     matrix_ops: &[{}], mnemonics: &[{}], interleave: &[{}], main_loop: {main_loop} }},\n",
                    o.arch,
                    f.name,
                    f.instructions,
                    f.main_loop_instructions,
                    hist(&f.matrix_ops),
                    hist(&f.mnemonics),
                    interleave.join(", ")
                ));
            }
        }
        s.push_str("];\n");
        s.push_str(
            "/// The code object (an AMDGPU ELF) holding `kernel` for `arch`, if it was built.\n\
             pub fn code_object(arch: &str, kernel: &str) -> Option<&'static [u8]> {\n\
             \x20   let source = KERNELS.iter().find(|k| k.name == kernel)?.source;\n\
             \x20   CODE_OBJECTS.iter().find(|(a, s, _)| *a == arch && *s == source).map(|(_, _, co)| *co)\n\
             }\n",
        );
        s
    }
}

/// A compiler that passed the checks.
pub struct Compiler {
    pub path: PathBuf,
    pub version: String,
}

impl Compiler {
    /// The disassembler that ships with this compiler (same directory, same version suffix), if present.
    pub fn objdump(&self) -> Option<PathBuf> {
        let dir = self.path.parent()?;
        let file = self.path.file_name()?.to_string_lossy().to_string();
        let suffix = file.strip_prefix("clang++").unwrap_or("");
        let cands = [dir.join(format!("llvm-objdump{suffix}")), dir.join("llvm-objdump")];
        cands.into_iter().find(|p| p.is_file()).or_else(|| {
            // Debian puts versioned tools on PATH as llvm-objdump-NN.
            let name = format!("llvm-objdump{suffix}");
            Command::new(&name)
                .arg("--version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| name.into())
        })
    }
}

/// The archs requested by `HIPFORGE_ARCHS` (`;` or `,` separated), or an error naming the bad one.
pub fn requested_archs() -> Result<Vec<String>, String> {
    let raw = std::env::var("HIPFORGE_ARCHS").unwrap_or_else(|_| DEFAULT_ARCHS.to_string());
    let mut archs = Vec::new();
    for a in raw.split([';', ',']).map(str::trim).filter(|a| !a.is_empty()) {
        if !KNOWN_ARCHS.iter().any(|(k, _)| *k == a) {
            let known: Vec<&str> = KNOWN_ARCHS.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "HIPFORGE_ARCHS names {a:?}; expected some of {}",
                known.join(", ")
            ));
        }
        if !archs.iter().any(|x| x == a) {
            archs.push(a.to_string());
        }
    }
    Ok(archs)
}

fn candidates() -> Vec<(PathBuf, &'static str)> {
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os("HIPFORGE_HIP_CLANG") {
        c.push((PathBuf::from(p), "HIPFORGE_HIP_CLANG"));
        return c; // an explicit choice is not second-guessed
    }
    if let Some(r) = std::env::var_os("ROCM_PATH") {
        c.push((PathBuf::from(r).join("llvm/bin/clang++"), "$ROCM_PATH"));
    }
    c.push((PathBuf::from("/opt/rocm/llvm/bin/clang++"), "/opt/rocm"));
    for v in [22, 21, 20] {
        c.push((PathBuf::from(format!("clang++-{v}")), "PATH"));
    }
    c
}

fn version_of(clang: &Path) -> Option<String> {
    let out = Command::new(clang).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_string())
}

fn llvm_major(version: &str) -> Option<u32> {
    let at = version.find("clang version ")? + "clang version ".len();
    version[at..].split('.').next()?.parse().ok()
}

/// Compiles an empty HIP file for `arch`; `Err` carries the compiler's complaint.
fn accepts_arch(clang: &Path, arch: &str, scratch: &Path) -> Result<(), String> {
    let src = scratch.join("probe.hip");
    std::fs::write(&src, "extern \"C\" __attribute__((global)) void hf_probe() {}\n").map_err(|e| e.to_string())?;
    let out = Command::new(clang)
        .args([
            "-x",
            "hip",
            "--offload-device-only",
            "-nogpuinc",
            "-nogpulib",
            "--no-gpu-bundle-output",
            "-c",
        ])
        .arg(format!("--offload-arch={arch}"))
        .arg(&src)
        .arg("-o")
        .arg(scratch.join(format!("probe.{arch}.o")))
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("rejected")
            .trim()
            .to_string())
    }
}

/// The first usable compiler for `archs`, or why there is none (one line per candidate tried).
pub fn find_compiler(archs: &[String], scratch: &Path) -> Result<Compiler, String> {
    let mut why = Vec::new();
    for (path, origin) in candidates() {
        let Some(version) = version_of(&path) else {
            why.push(format!("{} ({origin}): not found or does not run", path.display()));
            continue;
        };
        let mut bad = Vec::new();
        for a in archs {
            if let Err(e) = accepts_arch(&path, a, scratch) {
                let need = KNOWN_ARCHS.iter().find(|(k, _)| k == a).map(|(_, v)| *v).unwrap_or(0);
                let have = llvm_major(&version)
                    .map(|v| format!("LLVM {v}"))
                    .unwrap_or_else(|| version.clone());
                bad.push(format!("{a} rejected ({e}); {a} needs LLVM >= {need}, this is {have}"));
            }
        }
        if bad.is_empty() {
            let resolved = which(&path).unwrap_or(path);
            return Ok(Compiler {
                path: resolved,
                version,
            });
        }
        why.push(format!("{} ({origin}): {}", path.display(), bad.join("; ")));
    }
    Err(why.join(" | "))
}

fn which(p: &Path) -> Option<PathBuf> {
    if p.components().count() > 1 {
        return Some(p.to_path_buf());
    }
    std::env::var_os("PATH")?
        .to_string_lossy()
        .split(':')
        .map(|d| Path::new(d).join(p))
        .find(|c| c.is_file())
}

/// Flags shared by every kernel compile (and by tests that compile fixtures the same way).
pub fn compile_flags(arch: &str, include: &Path) -> Vec<String> {
    vec![
        "-x".into(),
        "hip".into(),
        "-std=c++20".into(),
        format!("--offload-arch={arch}"),
        "--offload-device-only".into(),
        "-nogpuinc".into(),
        "-nogpulib".into(),
        "--no-gpu-bundle-output".into(),
        "-O3".into(),
        "-Wall".into(),
        "-I".into(),
        include.display().to_string(),
    ]
}

/// Hash of everything that determines a code object: compiler, flags, the source and every shared header.
fn cache_key(compiler: &Compiler, flags: &[String], source: &Path, headers: &[(PathBuf, Vec<u8>)]) -> String {
    let mut h = DefaultHasher::new();
    compiler.path.hash(&mut h);
    compiler.version.hash(&mut h);
    flags.hash(&mut h);
    std::fs::read(source).unwrap_or_default().hash(&mut h);
    headers.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn read_tree(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap_or_default();
            out.push((p, bytes));
        }
    }
}

struct Job {
    arch: String,
    source: String,
    input: PathBuf,
    output: PathBuf,
    /// `(kernel, HF_MODEL_PATH rules for this arch)` of the source's kernels.
    path_rules: Vec<(String, Vec<String>)>,
}

pub fn build(root: &Path, sources: &[Source], out: &Path) -> GpuBuild {
    for v in ["HIPFORGE_ARCHS", "HIPFORGE_HIP_CLANG", "ROCM_PATH"] {
        println!("cargo:rerun-if-env-changed={v}");
    }
    let archs = match requested_archs() {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let gpu_dir = out.join("gpu");
    std::fs::create_dir_all(&gpu_dir).expect("create $OUT_DIR/gpu");
    if archs.is_empty() {
        return GpuBuild::absent("HIPFORGE_ARCHS is empty: no GPU code was requested".into());
    }
    let compiler = match find_compiler(&archs, &gpu_dir) {
        Ok(c) => c,
        Err(why) => {
            let note = format!(
                "no HIP-capable clang for {} (set HIPFORGE_HIP_CLANG, or install clang-22/lld-22): {why}",
                archs.join(";")
            );
            println!("cargo:warning=hipforge: GPU kernels not built: {note}");
            return GpuBuild::absent(note);
        }
    };
    let objdump = compiler.objdump();

    let include = root.join("kernels/include");
    let mut headers = Vec::new();
    read_tree(&include, &mut headers);
    let mut jobs = Vec::new();
    for src in sources {
        for arch in &archs {
            let stem = src.rel.replace('/', "__");
            jobs.push(Job {
                arch: arch.clone(),
                source: src.rel.clone(),
                input: src.path.clone(),
                output: gpu_dir.join(format!("{stem}.{arch}.co")),
                path_rules: src
                    .kernels
                    .iter()
                    .map(|k| (k.name.clone(), k.path_rules(arch)))
                    .collect(),
            });
        }
    }

    let results: Mutex<Vec<(usize, Result<CodeObject, String>)>> = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    let workers = std::env::var("NUM_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2usize)
        .clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..workers.min(jobs.len().max(1)) {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(job) = jobs.get(i) else { break };
                let r = compile_one(&compiler, objdump.as_deref(), job, &include, &headers);
                results.lock().unwrap().push((i, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);

    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in results {
        match r {
            Ok(o) => objects.push(o),
            Err(msg) => {
                let j = &jobs[i];
                println!(
                    "cargo:warning=hipforge: {} failed to compile for {}; see GPU_BUILD_ERRORS",
                    j.source, j.arch
                );
                errors.push((j.arch.clone(), j.source.clone(), msg));
            }
        }
    }
    let mut note = String::new();
    if !errors.is_empty() {
        note = format!(
            "{} kernel source/arch pair(s) failed to compile (GPU_BUILD_ERRORS)",
            errors.len()
        );
    }
    if objdump.is_none() {
        if !note.is_empty() {
            note.push_str("; ");
        }
        note.push_str(
            "no llvm-objdump next to the compiler: matrix-instruction histograms and main-loop counts absent",
        );
    }
    GpuBuild {
        archs,
        note,
        compiler: format!("{} ({})", compiler.path.display(), compiler.version),
        compiler_path: compiler.path.display().to_string(),
        objdump_path: objdump.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        objects,
        errors,
        interleave_pairs: super::scan::interleave_pairs(sources),
    }
}

fn compile_one(
    compiler: &Compiler,
    objdump: Option<&Path>,
    job: &Job,
    include: &Path,
    headers: &[(PathBuf, Vec<u8>)],
) -> Result<CodeObject, String> {
    let flags = compile_flags(&job.arch, include);
    let key = cache_key(compiler, &flags, &job.input, headers);
    let key_file = job.output.with_extension("co.key");
    let fresh = job.output.is_file() && std::fs::read_to_string(&key_file).is_ok_and(|k| k == key);
    if !fresh {
        let out = Command::new(&compiler.path)
            .args(&flags)
            .arg(&job.input)
            .arg("-o")
            .arg(&job.output)
            .output()
            .map_err(|e| format!("could not run {}: {e}", compiler.path.display()))?;
        if !out.status.success() {
            let _ = std::fs::remove_file(&job.output);
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        std::fs::write(&key_file, &key).map_err(|e| e.to_string())?;
    }
    let functions = match objdump {
        Some(od) => {
            let out = Command::new(od)
                .arg("-d")
                .arg(&job.output)
                .output()
                .map_err(|e| format!("could not run {}: {e}", od.display()))?;
            if !out.status.success() {
                return Err(format!(
                    "{} failed: {}",
                    od.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let rules = |name: &str| {
                job.path_rules
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, r)| r.clone())
                    .unwrap_or_default()
            };
            disasm::analyze_with_rules(&String::from_utf8_lossy(&out.stdout), &rules)
        }
        None => Vec::new(),
    };
    Ok(CodeObject {
        arch: job.arch.clone(),
        source: job.source.clone(),
        path: job.output.clone(),
        functions,
    })
}
