//! The emulator backend: "device" memory is host memory from the emulator's allocator, copies are `memcpy`,
//! launches go through the per-arch C ABI of docs/kernel-abi.md §3 (`hf_emu_gfxA_{malloc,free,launch}`).
//!
//! Each arch's emulator is a shared object that build/emu.rs built and the crate embeds
//! ([`crate::kernels::EMULATOR_OBJECTS`]). It is loaded once per arch per process, straight from memory: the bytes
//! go into a `memfd_create` file, `dlopen("/proc/self/fd/N", RTLD_NOW | RTLD_LOCAL)` maps it, and the three symbols
//! are resolved into [`EmuFns`]. The module (and its memfd) is never closed. Why a dlopen'ed module: whatever
//! thread-locals the emulator has are then allocated on first use, only in the emulator's own pool threads, instead of
//! being carved out of every thread's stack of every program that links hipforge (a static link put 2.2 MiB there when
//! `__shared__` was `thread_local`); and `RTLD_LOCAL` keeps the two archs' same-named C++ internals apart.

use super::arch::Arch;
use super::launch::LaunchConfig;
use crate::error::{Error, Result};
use std::ffi::{c_char, c_int, c_uint, c_void, CString};
use std::sync::{Mutex, OnceLock};

type MallocFn = unsafe extern "C" fn(usize) -> *mut c_void;
type FreeFn = unsafe extern "C" fn(*mut c_void);
type LaunchFn = unsafe extern "C" fn(
    *const c_char,
    *const c_uint,
    *const c_uint,
    usize,
    *const c_void,
    usize,
    *mut c_char,
    usize,
) -> c_int;
type LdsTakeFn = unsafe extern "C" fn(*mut c_char, usize) -> usize;

/// One arch's entry points, plus a lock: the emulator's allocation tracker and scheduler are global state, and
/// several threads (e.g. parallel tests) may share a device, so calls into one arch's emulator are serialized.
pub(crate) struct EmuFns {
    malloc: MallocFn,
    free: FreeFn,
    launch: LaunchFn,
    lds_take: LdsTakeFn,
    lock: Mutex<()>,
}

/// The loaded entry points for `arch` (`"gfx942"` or `"gfx950"`), loading its shared object on first use. The
/// outcome, success or the reason for failure, is kept for the rest of the process.
fn fns_for(arch: &str) -> std::result::Result<&'static EmuFns, String> {
    static GFX942: OnceLock<std::result::Result<EmuFns, String>> = OnceLock::new();
    static GFX950: OnceLock<std::result::Result<EmuFns, String>> = OnceLock::new();
    let cell = match arch {
        "gfx942" => &GFX942,
        "gfx950" => &GFX950,
        other => return Err(format!("no emulator exists for {other}")),
    };
    cell.get_or_init(|| {
        let bytes = crate::kernels::EMULATOR_OBJECTS
            .iter()
            .find(|(a, _)| *a == arch)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                format!(
                    "the emulator was not built for {arch} (built for: [{}]; {}); see the build warnings of \
                     build/emu.rs",
                    crate::kernels::EMULATOR_ARCHS.join(", "),
                    crate::kernels::EMULATOR_BUILD_NOTE
                )
            })?;
        load(arch, bytes)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Loads one arch's shared object from memory and resolves its C ABI.
#[cfg(target_os = "linux")]
fn load(arch: &str, bytes: &[u8]) -> std::result::Result<EmuFns, String> {
    let name = CString::new(format!("hipforge_emu_{arch}")).expect("no NUL in the arch name");
    // SAFETY: memfd_create with a valid C string; the fd is owned here and closed below.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(format!(
            "memfd_create for the {arch} emulator failed: {}",
            std::io::Error::last_os_error()
        ));
    }
    let result = write_all(fd, bytes).and_then(|()| {
        let path = CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL in a path of digits");
        // SAFETY: dlopen of a complete shared object built by build/emu.rs; its constructors only register kernels.
        let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            return Err(format!("dlopen of the {arch} emulator failed: {}", dl_error()));
        }
        let sym = |f: &str| -> std::result::Result<*mut c_void, String> {
            let s = CString::new(format!("hf_emu_{arch}_{f}")).expect("no NUL in a symbol name");
            // SAFETY: `handle` is a live module handle (never closed); `s` is a valid C string.
            let p = unsafe { libc::dlsym(handle, s.as_ptr()) };
            if p.is_null() {
                Err(format!(
                    "the {arch} emulator does not export {}: {}",
                    s.to_string_lossy(),
                    dl_error()
                ))
            } else {
                Ok(p)
            }
        };
        let (m, f, l, t) = (sym("malloc")?, sym("free")?, sym("launch")?, sym("lds_take")?);
        // SAFETY: the symbols are the C ABI of docs/kernel-abi.md §3, with exactly these signatures
        // (kernels/emu/runtime.cpp); the module stays loaded for the rest of the process.
        unsafe {
            Ok(EmuFns {
                malloc: std::mem::transmute::<*mut c_void, MallocFn>(m),
                free: std::mem::transmute::<*mut c_void, FreeFn>(f),
                launch: std::mem::transmute::<*mut c_void, LaunchFn>(l),
                lds_take: std::mem::transmute::<*mut c_void, LdsTakeFn>(t),
                lock: Mutex::new(()),
            })
        }
    });
    // The descriptor stays open for the rest of the process (close-on-exec), with the module. Closing it would free
    // its number, and the next load would dlopen the same path string "/proc/self/fd/N", which glibc matches by
    // name to the module already loaded (the other arch's) instead of opening the new file.
    if result.is_err() {
        // SAFETY: `fd` is ours, nothing was loaded from it, and it is closed once.
        unsafe { libc::close(fd) };
    }
    result
}

#[cfg(not(target_os = "linux"))]
fn load(arch: &str, _bytes: &[u8]) -> std::result::Result<EmuFns, String> {
    Err(format!(
        "loading the {arch} emulator from memory needs Linux (memfd_create)"
    ))
}

#[cfg(target_os = "linux")]
fn write_all(fd: c_int, mut bytes: &[u8]) -> std::result::Result<(), String> {
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice to our own descriptor.
        let n = unsafe { libc::write(fd, bytes.as_ptr() as *const c_void, bytes.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(format!("writing the emulator into its memfd failed: {e}"));
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn dl_error() -> String {
    // SAFETY: dlerror returns null or a C string valid until the next dl* call on this thread.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "no dlerror message".into()
    } else {
        // SAFETY: non-null, NUL-terminated (see above); copied out at once.
        unsafe { std::ffi::CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

/// The emulator for one arch.
pub(crate) struct EmuBackend {
    fns: &'static EmuFns,
}

/// Bytes reserved for the emulator's fault report of one launch.
const FAULT_BUF_LEN: usize = 1 << 16;

impl EmuBackend {
    /// Opens the emulator for `arch`: only gfx942 and gfx950, and only when it was built.
    pub(crate) fn open(arch: &Arch) -> Result<EmuBackend> {
        if !matches!(arch, Arch::Gfx942 | Arch::Gfx950) {
            return Err(Error::invalid("emulator arch", "gfx942 or gfx950", arch));
        }
        if !cfg!(feature = "emulator") {
            return Err(Error::FeatureDisabled {
                feature: "emulator".into(),
                what: format!("the {arch} emulator"),
            });
        }
        match fns_for(arch.name()) {
            Ok(fns) => Ok(EmuBackend { fns }),
            Err(message) => Err(Error::Emulator { message }),
        }
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the lock cannot leave the emulator inconsistent from our side; keep going.
        self.fns.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn alloc_zeroed(&self, bytes: usize) -> Result<u64> {
        let _g = self.locked();
        // SAFETY: plain allocation call of the emulator's C ABI.
        let p = unsafe { (self.fns.malloc)(bytes) };
        if p.is_null() {
            return Err(Error::Emulator {
                message: format!("hf_emu malloc of {bytes} bytes returned null (host out of memory)"),
            });
        }
        Ok(p as u64)
    }

    pub(crate) fn free(&self, ptr: u64) {
        let _g = self.locked();
        // SAFETY: `ptr` came from this arch's malloc and is freed once (DeviceBuffer's Drop).
        unsafe { (self.fns.free)(ptr as *mut c_void) }
    }

    /// Runs `kernel` to completion. `params` points to `params_size` bytes of the kernel's params struct.
    ///
    /// # Safety
    /// The addresses inside the params must be emulator allocations large enough for what the kernel touches
    /// (the emulator checks global accesses against its allocations, but a wild address may still be host memory).
    pub(crate) unsafe fn launch(
        &self,
        kernel: &str,
        cfg: &LaunchConfig,
        params: *const c_void,
        params_size: usize,
    ) -> Result<()> {
        let name = CString::new(kernel).map_err(|_| Error::invalid("kernel", "a name without NUL bytes", kernel))?;
        let mut faults = vec![0u8; FAULT_BUF_LEN];
        let rc = {
            let _g = self.locked();
            (self.fns.launch)(
                name.as_ptr(),
                cfg.grid.as_ptr(),
                cfg.block.as_ptr(),
                cfg.dynamic_lds as usize,
                params,
                params_size,
                faults.as_mut_ptr() as *mut c_char,
                faults.len(),
            )
        };
        let text = {
            let end = faults.iter().position(|&b| b == 0).unwrap_or(faults.len());
            String::from_utf8_lossy(&faults[..end]).into_owned()
        };
        match rc {
            0 => Ok(()),
            1 => Err(Error::EmulatorFault {
                kernel: kernel.to_string(),
                faults: parse_faults(&text),
            }),
            2 => Err(Error::KernelNotBuilt {
                kernel: kernel.to_string(),
                arch: "emulator".into(),
                reason: "the emulator's host build has no kernel of that name".into(),
            }),
            3 => Err(Error::invalid(
                format!("params of {kernel}"),
                "a struct of the size the kernel's C++ params struct has",
                format!("{params_size} bytes ({})", text.trim()),
            )),
            4 => Err(Error::Emulator {
                message: format!("launch of {kernel} refused: {}", text.trim()),
            }),
            other => Err(Error::Emulator {
                message: format!("launch of {kernel} returned unknown status {other}: {}", text.trim()),
            }),
        }
    }
}

impl EmuBackend {
    /// The LDS bank figures of every launch since the last call, as the C ABI's text (`hf_emu_gfxA_lds_take`,
    /// kernels/emu/runtime.cpp), and clears them.
    pub(crate) fn take_lds(&self) -> String {
        let _g = self.locked();
        let mut len = 1 << 16;
        loop {
            let mut buf = vec![0u8; len];
            // SAFETY: `buf` is writable for `len` bytes; the call writes at most len - 1 bytes and a NUL, or nothing.
            let n = unsafe { (self.fns.lds_take)(buf.as_mut_ptr() as *mut c_char, len) };
            if n < len {
                buf.truncate(n);
                return String::from_utf8_lossy(&buf).into_owned();
            }
            len = n + 1;
        }
    }
}

/// Splits the emulator's `"kind\tmessage\n"` lines into `(kind, message)`; a line without a tab is kept whole as
/// the message of kind `"unknown"`.
fn parse_faults(text: &str) -> Vec<(String, String)> {
    let faults: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once('\t') {
            Some((k, m)) => (k.to_string(), m.to_string()),
            None => ("unknown".to_string(), l.to_string()),
        })
        .collect();
    if faults.is_empty() {
        // Status 1 with an empty report still means the run was not clean.
        vec![(
            "unknown".into(),
            "the emulator reported faults but wrote no details".into(),
        )]
    } else {
        faults
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lines_are_split_on_the_first_tab() {
        let f = parse_faults("lds_race\tblock (0,0,0) thread 3 addr 0x10\nglobal_oob\tx\ty\n\nodd line\n");
        assert_eq!(
            f,
            vec![
                ("lds_race".to_string(), "block (0,0,0) thread 3 addr 0x10".to_string()),
                ("global_oob".to_string(), "x\ty".to_string()),
                ("unknown".to_string(), "odd line".to_string()),
            ]
        );
        assert_eq!(parse_faults("").len(), 1);
    }

    #[test]
    fn only_cdna_archs_have_an_emulator() {
        for a in [Arch::Gfx1250, Arch::Other("gfx90a".into())] {
            match EmuBackend::open(&a) {
                Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "emulator arch"),
                other => panic!("expected InvalidArgument for {a}, got {:?}", other.err()),
            }
        }
    }
}
