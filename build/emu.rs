//! Host emulator build (docs/kernel-abi.md §3, docs/emulator.md).
//!
//! For each arch A in {942, 950}: every `kernels/**/*.hip` (as C++) and `kernels/emu/*.cpp` is compiled with the
//! emulator's flags (`-DHIPFORGE_EMULATOR -DHIPFORGE_EMU_ARCH=A`, `-fsanitize-coverage=...` for the checkers,
//! `-fPIC -fvisibility=hidden`) and linked by `clang++ -shared` into `libhf_emu_gfxA.so`, which exports only
//! `hf_emu_gfxA_{malloc,free,launch}` (version script) and needs only libstdc++/libc. The crate embeds each .so
//! (`EMULATOR_OBJECTS` in the generated kernel table) and src/runtime/emu.rs dlopens it from a memfd at run time.
//!
//! Why a shared object and not a static link: the archs stay apart without symbol surgery (separate files opened
//! `RTLD_LOCAL`; their inline functions and templates differ by `__gfx9xx__`), and the emulator's thread-locals never
//! land in the PT_TLS segment of programs that link hipforge, which glibc carves out of *every* thread's stack (it was
//! 2.2 MiB when `__shared__` was `thread_local`). A dlopen'ed module's TLS is allocated lazily, on the heap, and only
//! in the threads that touch it (the emulator's pool threads).
//!
//! Host compiler: `HIPFORGE_HOST_CLANG`, then `clang++-22` .. `clang++-18` on `PATH`, and `ld.lld` of the same
//! version (or unversioned). Without them: one `cargo:warning`, `EMULATOR_ARCHS` is empty, the crate
//! still builds. A kernel source that fails to compile does not stop the build: the arch is built without it and the
//! message lands in `EMULATOR_BUILD_ERRORS`. Objects are cached in `OUT_DIR` and rebuilt only when their source, a
//! header under `kernels/include` or `kernels/emu`, the compiler or the flags change.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::SystemTime;

use super::scan::Source;

const ARCHS: &[&str] = &["942", "950"];
/// The flags of the emulator contract (design.md) plus optimization and the checkers' instrumentation.
const FLAGS: &[&str] = &[
    "-std=c++20",
    "-O2",
    // Line tables only (no effect on the code): the unstripped twin of each .so maps an LDS access site's PC to its
    // source line (hipforge::lds); the embedded .so is stripped.
    "-gline-tables-only",
    "-fPIC",
    "-fvisibility=hidden",
    "-fvisibility-inlines-hidden",
    "-fsanitize-coverage=func,trace-loads,trace-stores",
    "-DHIPFORGE_EMULATOR",
];

pub struct EmuBuild {
    pub archs: Vec<String>,
    /// (arch, path of its shared object), one per arch in `archs`.
    pub objects: Vec<(String, PathBuf)>,
    /// (arch, source, compiler message) for every source that failed to compile.
    pub errors: Vec<(String, String, String)>,
    pub note: String,
}

impl EmuBuild {
    pub fn absent(note: String) -> EmuBuild {
        EmuBuild {
            archs: Vec::new(),
            objects: Vec::new(),
            errors: Vec::new(),
            note,
        }
    }

    pub fn table_rust(&self) -> String {
        let mut objects = String::new();
        for (arch, so) in &self.objects {
            objects.push_str(&format!("    ({arch:?}, include_bytes!({:?})),\n", so.display()));
        }
        let mut debug = String::new();
        for (arch, so) in &self.objects {
            let d = so.with_extension("debug.so");
            debug.push_str(&format!("    ({arch:?}, {:?}),\n", d.display().to_string()));
        }
        let mut s = format!(
            "/// `(arch, bytes)`: the emulator's shared object for each arch in [`EMULATOR_ARCHS`], embedded at build\n\
             /// time and dlopen'ed from memory by the emulator backend (docs/kernel-abi.md §3).\n\
             pub static EMULATOR_OBJECTS: &[(&str, &[u8])] = &[\n{objects}];\n\
             /// `(arch, path)`: the unstripped twin of each emulator object in the build directory (same code\n\
             /// addresses, with line tables), used to name LDS access sites (`hipforge::lds`); absent once the build\n\
             /// directory is gone.\n\
             pub static EMULATOR_DEBUG_OBJECTS: &[(&str, &str)] = &[\n{debug}];\n"
        );
        s.push_str(&format!(
            "/// Archs the host emulator was built for.\npub static EMULATOR_ARCHS: &[&str] = &{:?};\n\
             /// Why the emulator is absent or incomplete, when it is (empty otherwise).\n\
             pub static EMULATOR_BUILD_NOTE: &str = {:?};\n\
             /// `(arch, source, compiler message)` for every kernel source the emulator build could not compile.\n\
             pub static EMULATOR_BUILD_ERRORS: &[(&str, &str, &str)] = &[\n",
            self.archs, self.note
        ));
        for (a, src, msg) in &self.errors {
            s.push_str(&format!("    ({a:?}, {src:?}, {msg:?}),\n"));
        }
        s.push_str("];\n");
        s
    }
}

/// The host toolchain: compiler (also the link driver) and the linker it drives.
struct Tools {
    clang: PathBuf,
    lld: PathBuf,
    version: String,
}

pub fn build(root: &Path, sources: &[Source], out: &Path) -> EmuBuild {
    println!("cargo:rerun-if-env-changed=HIPFORGE_HOST_CLANG");
    let tools = match find_tools() {
        Ok(t) => t,
        Err(why) => {
            let note = format!("host emulator not built: {why}");
            println!("cargo:warning={note}");
            return EmuBuild::absent(note);
        }
    };
    let include = root.join("kernels/include");
    let emu_dir = root.join("kernels/emu");
    let mut runtime: Vec<PathBuf> = list(&emu_dir, "cpp");
    runtime.sort();
    // Any header change rebuilds everything (they are all included by every TU, or may be).
    let mut headers = Vec::new();
    walk(&include, &mut headers);
    headers.extend(list(&emu_dir, "hpp"));
    let newest_header = headers.iter().filter_map(|h| mtime(h)).max();

    let work = out.join("emu");
    std::fs::create_dir_all(&work).unwrap();
    let mut archs = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut objects_built = Vec::new();
    for arch in ARCHS {
        let dir = work.join(format!("gfx{arch}"));
        std::fs::create_dir_all(&dir).unwrap();
        // A changed compiler or flag set invalidates the cache.
        let stamp = format!("{}\n{}\n{:?}\n", tools.clang.display(), tools.version, FLAGS);
        let stamp_path = dir.join("stamp");
        let fresh = std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str());
        let mut jobs: Vec<(PathBuf, String, PathBuf, bool)> = Vec::new(); // (source, label, object, is_runtime)
        for src in sources {
            let obj = dir.join(format!("k_{}.o", src.rel.replace(['/', '.'], "_")));
            jobs.push((src.path.clone(), src.rel.clone(), obj, false));
        }
        for r in &runtime {
            let name = r.file_name().unwrap().to_string_lossy().to_string();
            jobs.push((
                r.clone(),
                format!("emu/{name}"),
                dir.join(format!("rt_{}.o", name.replace('.', "_"))),
                true,
            ));
        }
        let results = Mutex::new(Vec::new());
        let next = Mutex::new(0usize);
        let threads = std::env::var("NUM_JOBS")
            .ok()
            .and_then(|j| j.parse().ok())
            .unwrap_or(2usize)
            .clamp(1, 2);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some((src, label, obj, _)) = jobs.get(i) else { break };
                    let up_to_date = fresh
                        && match (mtime(obj), mtime(src)) {
                            (Some(o), Some(s)) => o >= s && newest_header.map_or(true, |h| o >= h),
                            _ => false,
                        };
                    let r = if up_to_date {
                        Ok(())
                    } else {
                        compile(&tools, arch, &include, src, obj)
                    };
                    results.lock().unwrap().push((i, label.clone(), r));
                });
            }
        });
        let mut results = results.into_inner().unwrap();
        results.sort_by_key(|r| r.0);
        let mut objects = Vec::new();
        let mut runtime_ok = true;
        for (i, label, r) in results {
            match r {
                Ok(()) => objects.push(jobs[i].2.clone()),
                Err(msg) => {
                    if jobs[i].3 {
                        runtime_ok = false;
                    }
                    println!(
                        "cargo:warning=emulator gfx{arch}: {label} failed to compile: {}",
                        first_error(&msg)
                    );
                    errors.push((format!("gfx{arch}"), label, msg));
                }
            }
        }
        if !runtime_ok {
            notes.push(format!("gfx{arch}: the emulator runtime failed to compile"));
            continue;
        }
        std::fs::write(&stamp_path, &stamp).unwrap();
        match link_arch(&tools, arch, &objects, &dir) {
            Ok(so) => {
                objects_built.push((format!("gfx{arch}"), so));
                archs.push(format!("gfx{arch}"));
            }
            Err(e) => {
                println!("cargo:warning=emulator gfx{arch}: {e}");
                notes.push(format!("gfx{arch}: {e}"));
            }
        }
    }
    if !errors.is_empty() {
        notes.push(format!(
            "{} source(s) failed to compile (see EMULATOR_BUILD_ERRORS)",
            errors.len()
        ));
    }
    EmuBuild {
        archs,
        objects: objects_built,
        errors,
        note: notes.join("; "),
    }
}

fn compile(tools: &Tools, arch: &str, include: &Path, src: &Path, obj: &Path) -> Result<(), String> {
    let mut cmd = Command::new(&tools.clang);
    cmd.arg("-x")
        .arg("c++")
        .args(FLAGS)
        .arg(format!("-DHIPFORGE_EMU_ARCH={arch}"))
        .arg("-I")
        .arg(include);
    cmd.arg("-c").arg(src).arg("-o").arg(obj);
    let r = run(&mut cmd);
    if r.is_err() {
        let _ = std::fs::remove_file(obj);
    }
    r
}

/// Links one arch's objects into `libhf_emu_gfxA.so` exporting only the arch's C ABI.
fn link_arch(tools: &Tools, arch: &str, objects: &[PathBuf], dir: &Path) -> Result<PathBuf, String> {
    let so = dir.join(format!("libhf_emu_gfx{arch}.so"));
    let script = dir.join("exports.map");
    let globals: Vec<String> = ["malloc", "free", "launch", "lds_take"]
        .iter()
        .map(|f| format!("hf_emu_gfx{arch}_{f};"))
        .collect();
    std::fs::write(
        &script,
        format!("{{\n  global: {}\n  local: *;\n}};\n", globals.join(" ")),
    )
    .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
    let mut cmd = Command::new(&tools.clang);
    cmd.arg("-shared")
        .arg(format!("--ld-path={}", tools.lld.display()))
        .arg("-o")
        .arg(&so)
        .args(objects)
        // Every symbol must resolve inside the .so or in libstdc++/libm/libc: a mistake fails here, not at dlopen.
        .arg("-Wl,-z,defs")
        .arg(format!("-Wl,--version-script={}", script.display()))
        .arg("-Wl,--strip-all")
        .arg("-lpthread");
    run(&mut cmd).map_err(|e| format!("linking the shared object failed: {e}"))?;
    // The same link without --strip-all: identical code addresses, plus the symbols and line tables that
    // hipforge::lds hands to llvm-symbolizer for the LDS bank-conflict sites. Not embedded.
    let debug = dir.join(format!("libhf_emu_gfx{arch}.debug.so"));
    let mut cmd = Command::new(&tools.clang);
    cmd.arg("-shared")
        .arg(format!("--ld-path={}", tools.lld.display()))
        .arg("-o")
        .arg(&debug)
        .args(objects)
        .arg("-Wl,-z,defs")
        .arg(format!("-Wl,--version-script={}", script.display()))
        .arg("-lpthread");
    run(&mut cmd).map_err(|e| format!("linking the unstripped shared object failed: {e}"))?;
    Ok(so)
}

fn find_tools() -> Result<Tools, String> {
    let mut candidates: Vec<(PathBuf, Option<u32>)> = Vec::new();
    if let Some(c) = std::env::var_os("HIPFORGE_HOST_CLANG") {
        let p = PathBuf::from(c);
        let v = p
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next()?.parse().ok());
        candidates.push((p, v));
    }
    for v in (18..=22).rev() {
        candidates.push((PathBuf::from(format!("clang++-{v}")), Some(v)));
    }
    let mut tried = Vec::new();
    for (clang, v) in candidates {
        let Some(path) = which(&clang) else {
            tried.push(format!("{} (not found)", clang.display()));
            continue;
        };
        let Ok(o) = Command::new(&path).arg("--version").output() else {
            tried.push(format!("{} (does not run)", path.display()));
            continue;
        };
        let version = String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let tool = |names: &[String]| names.iter().find_map(|n| which(Path::new(n)));
        let suffixed = |base: &str| -> Vec<String> {
            let mut n = Vec::new();
            if let Some(v) = v {
                n.push(format!("{base}-{v}"));
            }
            n.push(base.to_string());
            n
        };
        let lld = tool(&suffixed("ld.lld"));
        match lld {
            Some(lld) => {
                for t in [&path, &lld] {
                    println!("cargo:rerun-if-changed={}", t.display());
                }
                return Ok(Tools {
                    clang: path,
                    lld,
                    version,
                });
            }
            None => tried.push(format!("{} found but ld.lld missing", path.display())),
        }
    }
    Err(format!("no host clang++ with ld.lld: tried {}", tried.join(", ")))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{:?} exited with {}: {}{}",
            cmd.get_program(),
            o.status,
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        )),
        Err(e) => Err(format!("{:?} could not run: {e}", cmd.get_program())),
    }
}

fn first_error(msg: &str) -> String {
    msg.lines()
        .find(|l| l.contains("error"))
        .unwrap_or(msg.lines().next().unwrap_or(""))
        .chars()
        .take(300)
        .collect()
}

fn which(p: &Path) -> Option<PathBuf> {
    if p.components().count() > 1 {
        return p.is_file().then(|| p.to_path_buf());
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(p))
        .find(|c| c.is_file())
}

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).ok()?.modified().ok()
}

fn list(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else {
            files.push(p);
        }
    }
}
