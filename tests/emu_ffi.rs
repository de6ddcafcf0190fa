//! The emulator's C ABI (docs/kernel-abi.md §3) as linked into the crate: each built arch's three symbols resolve,
//! `malloc` returns zeroed, aligned memory, and `launch` answers with the documented codes (unknown kernel, refused
//! launch) and fault text. Kernel launches through `Device::emulator` are the runtime's tests; this checks the link.

use std::ffi::{c_char, c_int, c_uint, c_void};

type Launch = unsafe extern "C" fn(
    *const c_char,
    *const c_uint,
    *const c_uint,
    usize,
    *const c_void,
    usize,
    *mut c_char,
    usize,
) -> c_int;

#[cfg(hf_emu = "gfx942")]
extern "C" {
    fn hf_emu_gfx942_malloc(bytes: usize) -> *mut c_void;
    fn hf_emu_gfx942_free(p: *mut c_void);
    fn hf_emu_gfx942_launch(
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
#[cfg(hf_emu = "gfx950")]
extern "C" {
    fn hf_emu_gfx950_malloc(bytes: usize) -> *mut c_void;
    fn hf_emu_gfx950_free(p: *mut c_void);
    fn hf_emu_gfx950_launch(
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

fn check_arch(
    arch: &str,
    malloc: unsafe extern "C" fn(usize) -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
    launch: Launch,
) {
    unsafe {
        let p = malloc(1000) as *mut u8;
        assert!(!p.is_null(), "{arch}: malloc returned null");
        assert_eq!(p as usize % 256, 0, "{arch}: allocation not 256-byte aligned");
        let bytes = std::slice::from_raw_parts_mut(p, 1000);
        assert!(bytes.iter().all(|&b| b == 0), "{arch}: allocation not zeroed");
        bytes.fill(7); // host code may write device memory between launches
        free(p as *mut c_void);

        let mut buf = vec![0 as c_char; 1024];
        let grid = [1u32, 1, 1];
        let block = [64u32, 1, 1];
        let params = [0u8; 8];
        let code = launch(
            c"hf_no_such_kernel".as_ptr(),
            grid.as_ptr(),
            block.as_ptr(),
            0,
            params.as_ptr() as *const c_void,
            params.len(),
            buf.as_mut_ptr(),
            buf.len(),
        );
        let text = std::ffi::CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
        assert_eq!(code, 2, "{arch}: unknown kernel must be code 2, got {code}: {text}");
        assert!(
            text.starts_with("launch_refused\t") && text.contains("hf_no_such_kernel"),
            "{arch}: {text}"
        );
    }
}

#[test]
fn c_abi_links_and_answers() {
    let built: &[&str] = hipforge::kernels::EMULATOR_ARCHS;
    if built.is_empty() {
        let msg = "the emulator was not built (no host clang at build time)";
        if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
            panic!("{msg} (HIPFORGE_REQUIRE_EMULATOR=1)");
        }
        println!("SKIPPED: {msg}");
        return;
    }
    let mut checked = Vec::new();
    #[cfg(hf_emu = "gfx942")]
    {
        check_arch("gfx942", hf_emu_gfx942_malloc, hf_emu_gfx942_free, hf_emu_gfx942_launch);
        checked.push("gfx942");
    }
    #[cfg(hf_emu = "gfx950")]
    {
        check_arch("gfx950", hf_emu_gfx950_malloc, hf_emu_gfx950_free, hf_emu_gfx950_launch);
        checked.push("gfx950");
    }
    assert_eq!(
        checked, built,
        "every arch in EMULATOR_ARCHS must be linked and checked"
    );
}
