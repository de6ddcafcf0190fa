//! Finding and opening the vendor libraries at run time.
//!
//! Search order for a [`LibrarySpec`]: its override variable alone when set (e.g. `HIPFORGE_HIP_LIBRARY=/path/to.so`);
//! otherwise each file name under `$ROCM_PATH/lib`, `$HIP_PATH/lib`, `/opt/rocm/lib`, `/opt/rocm-*/lib` (newest name
//! first), then each bare file name through the system loader (`LD_LIBRARY_PATH`, `ld.so.cache`). Every attempt that
//! fails is recorded, so a [`LoadError`] says exactly what was tried.

use std::path::{Path, PathBuf};

/// How to find one library.
#[derive(Debug, Clone, Copy)]
pub struct LibrarySpec {
    /// Human-readable name, used in errors (`"HIP runtime"`).
    pub what: &'static str,
    /// File names to try, most preferred first.
    pub file_names: &'static [&'static str],
    /// Environment variable that, when set, names the only file to open.
    pub override_var: &'static str,
    /// A symbol every version exports, used to find the file the system loader picked for a bare name.
    pub probe_symbol: &'static str,
}

/// The HIP runtime (`libamdhip64`): unversioned name, then ROCm 7, 6, 5 sonames.
pub const HIP_RUNTIME: LibrarySpec = LibrarySpec {
    what: "HIP runtime",
    file_names: &[
        "libamdhip64.so",
        "libamdhip64.so.7",
        "libamdhip64.so.6",
        "libamdhip64.so.5",
    ],
    override_var: "HIPFORGE_HIP_LIBRARY",
    probe_symbol: "hipRuntimeGetVersion",
};

/// hipBLASLt: unversioned name, then the ROCm 7 (`.so.1`) and ROCm 6 (`.so.0`) sonames.
pub const HIPBLASLT: LibrarySpec = LibrarySpec {
    what: "hipBLASLt",
    file_names: &["libhipblaslt.so", "libhipblaslt.so.1", "libhipblaslt.so.0"],
    override_var: "HIPFORGE_HIPBLASLT_LIBRARY",
    probe_symbol: "hipblasLtCreate",
};

/// A library could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The library (`LibrarySpec::what`).
    pub library: &'static str,
    /// Every path or name tried, each with the reason it failed.
    pub tried: Vec<String>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} not found; tried: {}", self.library, self.tried.join("; "))
    }
}

impl std::error::Error for LoadError {}

/// A library lacks a symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSymbol {
    /// Where the library was loaded from.
    pub library: String,
    /// The symbol.
    pub symbol: &'static str,
}

impl std::fmt::Display for MissingSymbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "symbol {} missing from {}", self.symbol, self.library)
    }
}

impl std::error::Error for MissingSymbol {}

/// An opened shared library and where it came from. Never unloaded before it is dropped.
pub struct Library {
    lib: libloading::Library,
    path: String,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Library({})", self.path)
    }
}

impl Library {
    /// The path or name it was opened with.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Looks `name` up (no trailing NUL needed). `None` when absent.
    ///
    /// # Safety
    /// `T` must be the symbol's real type (for functions: the exact C signature).
    pub unsafe fn get<T: Copy>(&self, name: &str) -> Option<T> {
        let mut bytes = Vec::with_capacity(name.len() + 1);
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        self.lib.get::<T>(&bytes).ok().map(|s| *s)
    }

    /// The file that defines `symbol`, as the dynamic loader reports it (`dladdr`): for a library opened by bare
    /// name, this is where the system loader found it.
    pub fn file_of_symbol(&self, symbol: &str) -> Option<String> {
        // SAFETY: only the address is used; dladdr fills `info` with pointers into the loader's own tables.
        unsafe {
            let addr = self.get::<*mut std::ffi::c_void>(symbol)?;
            let mut info: libc::Dl_info = std::mem::zeroed();
            if libc::dladdr(addr as *const libc::c_void, &mut info) == 0 || info.dli_fname.is_null() {
                return None;
            }
            Some(std::ffi::CStr::from_ptr(info.dli_fname).to_string_lossy().into_owned())
        }
    }

    /// True when the library exports `name`.
    pub fn has_symbol(&self, name: &str) -> bool {
        // SAFETY: only the address is looked at, never called or read.
        unsafe { self.get::<*mut std::ffi::c_void>(name).is_some() }
    }
}

/// Opens exactly `path` (a file path, or a bare name resolved by the system loader).
///
/// Opening a shared object runs its initializers; that is the inherent trust placed in the vendor library.
pub fn load_from(what: &'static str, path: impl AsRef<Path>) -> Result<Library, LoadError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    // SAFETY: see above; hipforge only opens libraries it was asked to open.
    match unsafe { libloading::Library::new(path) } {
        Ok(lib) => Ok(Library { lib, path: shown }),
        Err(e) => {
            // dlerror() usually starts with the path already; don't say it twice.
            let msg = e.to_string();
            let msg = msg
                .strip_prefix(&format!("{shown}: "))
                .map(str::to_string)
                .unwrap_or(msg);
            Err(LoadError {
                library: what,
                tried: vec![format!("{shown}: {msg}")],
            })
        }
    }
}

/// Directories searched before the system loader, in order, with a note on where each came from.
pub fn search_dirs() -> Vec<(PathBuf, String)> {
    let mut dirs = Vec::new();
    for var in ["ROCM_PATH", "HIP_PATH"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            dirs.push((PathBuf::from(v).join("lib"), format!("${var}/lib")));
        }
    }
    dirs.push((PathBuf::from("/opt/rocm/lib"), "/opt/rocm/lib".into()));
    let mut versioned: Vec<PathBuf> = std::fs::read_dir("/opt")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("rocm-"))
        })
        .map(|p| p.join("lib"))
        .collect();
    versioned.sort();
    versioned.reverse();
    for d in versioned {
        let note = d.display().to_string();
        dirs.push((d, note));
    }
    dirs
}

impl LibrarySpec {
    /// The override variable's value, if set and non-empty.
    pub fn override_path(&self) -> Option<PathBuf> {
        std::env::var_os(self.override_var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    /// Opens the library following the module's search order.
    pub fn load(&self) -> Result<Library, LoadError> {
        if let Some(p) = self.override_path() {
            return load_from(self.what, &p).map_err(|mut e| {
                e.tried[0] = format!(
                    "{} (from {}): {}",
                    p.display(),
                    self.override_var,
                    strip_prefix(&e.tried[0], &p)
                );
                e
            });
        }
        let mut tried = Vec::new();
        for (dir, note) in search_dirs() {
            if !dir.is_dir() {
                tried.push(format!("{note}: no such directory"));
                continue;
            }
            let mut any = false;
            for name in self.file_names {
                let p = dir.join(name);
                if p.exists() {
                    any = true;
                    match load_from(self.what, &p) {
                        Ok(lib) => return Ok(lib),
                        Err(e) => tried.extend(e.tried),
                    }
                }
            }
            if !any {
                tried.push(format!("{}: none of {}", dir.display(), self.file_names.join(", ")));
            }
        }
        for name in self.file_names {
            match load_from(self.what, name) {
                Ok(mut lib) => {
                    // Report the file the system loader chose, not just the name it was given.
                    if let Some(file) = lib.file_of_symbol(self.probe_symbol) {
                        lib.path = file;
                    }
                    return Ok(lib);
                }
                Err(e) => tried.extend(e.tried),
            }
        }
        Err(LoadError {
            library: self.what,
            tried,
        })
    }
}

fn strip_prefix(msg: &str, p: &Path) -> String {
    let shown = format!("{}: ", p.display());
    msg.strip_prefix(&shown).unwrap_or(msg).to_string()
}

/// Declares a table of C functions resolved on first use. Each becomes an `unsafe` method returning
/// `Err(MissingSymbol)` when the library lacks it, so an old or foreign library is an error, never a panic.
macro_rules! dynamic_api {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        $(
            $(#[$fmeta:meta])*
            fn $f:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;
        )*
    ) => {
        $(#[$meta])*
        #[allow(non_snake_case)]
        pub struct $name {
            lib: $crate::loader::Library,
            $( $f: std::sync::OnceLock<Option<unsafe extern "C" fn($($ty),*) -> $ret>>, )*
        }

        #[allow(non_snake_case, clippy::too_many_arguments, clippy::missing_safety_doc)]
        impl $name {
            /// Wraps an opened library; nothing is resolved yet.
            pub fn new(lib: $crate::loader::Library) -> Self {
                Self { lib, $( $f: std::sync::OnceLock::new(), )* }
            }

            /// The underlying library.
            pub fn library(&self) -> &$crate::loader::Library {
                &self.lib
            }

            /// The names of every function of the table, in declaration order.
            pub const FUNCTIONS: &'static [&'static str] = &[$(stringify!($f)),*];

            $(
                $(#[$fmeta])*
                ///
                /// # Safety
                /// The C function's own contract (valid pointers, live handles).
                pub unsafe fn $f(&self, $($arg: $ty),*) -> Result<$ret, $crate::loader::MissingSymbol> {
                    let f = self.$f.get_or_init(|| {
                        // SAFETY: the type is the function's C signature from the vendor header.
                        unsafe { self.lib.get::<unsafe extern "C" fn($($ty),*) -> $ret>(stringify!($f)) }
                    });
                    match *f {
                        Some(f) => Ok(f($($arg),*)),
                        None => Err($crate::loader::MissingSymbol {
                            library: self.lib.path().to_string(),
                            symbol: stringify!($f),
                        }),
                    }
                }
            )*
        }
    };
}
pub(crate) use dynamic_api;
