//! The emulator backend: "device" memory is host memory from the emulator's allocator, copies are `memcpy`,
//! launches go through the per-arch C ABI of docs/kernel-abi.md §3 (`hf_emu_gfxA_{malloc,free,launch}`).
//!
//! The symbols exist only for the archs `build/emu.rs` linked; build.rs sets `cfg(hf_emu = "gfxA")` for each, so this
//! module compiles (and reports "not built") when the emulator is absent.

use super::arch::Arch;
use super::launch::LaunchConfig;
use crate::error::{Error, Result};
use std::ffi::{c_char, c_int, c_uint, c_void, CString};
use std::sync::Mutex;

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

/// One arch's entry points, plus a lock: the emulator's allocation tracker and scheduler are global state, and
/// several threads (e.g. parallel tests) may share a device, so calls into one arch's emulator are serialized.
pub(crate) struct EmuFns {
    malloc: MallocFn,
    free: FreeFn,
    launch: LaunchFn,
    lock: Mutex<()>,
}

#[cfg(hf_emu = "gfx942")]
mod gfx942 {
    use std::ffi::{c_char, c_int, c_uint, c_void};
    extern "C" {
        pub fn hf_emu_gfx942_malloc(bytes: usize) -> *mut c_void;
        pub fn hf_emu_gfx942_free(p: *mut c_void);
        pub fn hf_emu_gfx942_launch(
            kernel: *const c_char,
            grid: *const c_uint,
            block: *const c_uint,
            dynamic_lds: usize,
            params: *const c_void,
            params_size: usize,
            fault_buf: *mut c_char,
            fault_buf_len: usize,
        ) -> c_int;
    }
    pub static FNS: super::EmuFns = super::EmuFns {
        malloc: hf_emu_gfx942_malloc,
        free: hf_emu_gfx942_free,
        launch: hf_emu_gfx942_launch,
        lock: std::sync::Mutex::new(()),
    };
}

#[cfg(hf_emu = "gfx950")]
mod gfx950 {
    use std::ffi::{c_char, c_int, c_uint, c_void};
    extern "C" {
        pub fn hf_emu_gfx950_malloc(bytes: usize) -> *mut c_void;
        pub fn hf_emu_gfx950_free(p: *mut c_void);
        pub fn hf_emu_gfx950_launch(
            kernel: *const c_char,
            grid: *const c_uint,
            block: *const c_uint,
            dynamic_lds: usize,
            params: *const c_void,
            params_size: usize,
            fault_buf: *mut c_char,
            fault_buf_len: usize,
        ) -> c_int;
    }
    pub static FNS: super::EmuFns = super::EmuFns {
        malloc: hf_emu_gfx950_malloc,
        free: hf_emu_gfx950_free,
        launch: hf_emu_gfx950_launch,
        lock: std::sync::Mutex::new(()),
    };
}

/// The linked entry points for `arch`, if the emulator was built for it.
fn fns_for(arch: &Arch) -> Option<&'static EmuFns> {
    match arch {
        #[cfg(hf_emu = "gfx942")]
        Arch::Gfx942 => Some(&gfx942::FNS),
        #[cfg(hf_emu = "gfx950")]
        Arch::Gfx950 => Some(&gfx950::FNS),
        _ => None,
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
        match fns_for(arch) {
            Some(fns) => Ok(EmuBackend { fns }),
            None => Err(Error::Emulator {
                message: format!(
                    "the emulator was not built for {arch} (built for: [{}]); see the build warnings of build/emu.rs",
                    crate::kernels::EMULATOR_ARCHS.join(", ")
                ),
            }),
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
