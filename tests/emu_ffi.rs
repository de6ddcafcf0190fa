//! The emulator's C ABI (docs/kernel-abi.md §3) as the crate ships it: one shared object per built arch, embedded in
//! the crate (`hipforge::kernels::EMULATOR_OBJECTS`). Each is loaded here on its own (memfd + dlopen, the way
//! src/runtime/emu.rs does it): it must export exactly the arch's three symbols, `malloc` returns zeroed, aligned
//! memory, and `launch` answers with the documented codes (unknown kernel) and fault text. Kernel launches through
//! `Device::emulator` are the runtime's tests; this checks the packaging.
//!
//! Also checks what the packaging is for: binaries that link hipforge carry no big static TLS segment (glibc carves it
//! out of every thread's stack; with the emulator linked statically it was 2.2 MiB).
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};

type Malloc = unsafe extern "C" fn(usize) -> *mut c_void;
type Free = unsafe extern "C" fn(*mut c_void);
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

/// Upper bound on a hipforge binary's PT_TLS size: Rust's std needs a few hundred bytes; nothing of the emulator (its
/// thread-locals live in its dlopen'ed module) may be there.
const MAX_STATIC_TLS: u64 = 64 * 1024;

fn skip_without_emulator() -> bool {
    if !hipforge::kernels::EMULATOR_ARCHS.is_empty() {
        return false;
    }
    let msg = "the emulator was not built (no host clang at build time)";
    if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
        panic!("{msg} (HIPFORGE_REQUIRE_EMULATOR=1)");
    }
    println!("SKIPPED: {msg}");
    true
}

/// Loads `bytes` as a shared object from an anonymous memory file. The module and its descriptor are never closed.
fn dlopen_bytes(arch: &str, bytes: &[u8]) -> *mut c_void {
    unsafe {
        let name = CString::new(format!("emu_ffi_{arch}")).unwrap();
        let fd = libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC);
        assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = libc::write(fd, rest.as_ptr() as *const c_void, rest.len());
            assert!(n > 0, "write: {}", std::io::Error::last_os_error());
            rest = &rest[n as usize..];
        }
        let path = CString::new(format!("/proc/self/fd/{fd}")).unwrap();
        let h = libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
        let err = if h.is_null() {
            CStr::from_ptr(libc::dlerror()).to_string_lossy().into_owned()
        } else {
            String::new()
        };
        // The descriptor stays open: a later dlopen of the same "/proc/self/fd/N" string would get this module back.
        assert!(!h.is_null(), "{arch}: dlopen of the embedded emulator failed: {err}");
        h
    }
}

fn sym(h: *mut c_void, name: &str) -> *mut c_void {
    let c = CString::new(name).unwrap();
    unsafe { libc::dlsym(h, c.as_ptr()) }
}

fn check_arch(arch: &str, malloc: Malloc, free: Free, launch: Launch) {
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
        let text = CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
        assert_eq!(code, 2, "{arch}: unknown kernel must be code 2, got {code}: {text}");
        assert!(
            text.starts_with("launch_refused\t") && text.contains("hf_no_such_kernel"),
            "{arch}: {text}"
        );
    }
}

#[test]
fn embedded_shared_objects_export_the_c_abi_and_answer() {
    if skip_without_emulator() {
        return;
    }
    let built: Vec<&str> = hipforge::kernels::EMULATOR_ARCHS.to_vec();
    let embedded: Vec<&str> = hipforge::kernels::EMULATOR_OBJECTS.iter().map(|(a, _)| *a).collect();
    assert_eq!(embedded, built, "one embedded shared object per arch in EMULATOR_ARCHS");
    for (arch, bytes) in hipforge::kernels::EMULATOR_OBJECTS {
        assert!(
            bytes.starts_with(b"\x7fELF"),
            "{arch}: embedded bytes are not an ELF file"
        );
        let h = dlopen_bytes(arch, bytes);
        let f = |n: &str| sym(h, &format!("hf_emu_{arch}_{n}"));
        let (m, fr, l) = (f("malloc"), f("free"), f("launch"));
        assert!(
            !m.is_null() && !fr.is_null() && !l.is_null(),
            "{arch}: the C ABI symbols must be exported"
        );
        // Nothing else of the emulator is visible: not the other arch's ABI, not its C++ internals (the mangled
        // hf::emu::malloc(unsigned long)), not the checkers' coverage hooks.
        let other = if *arch == "gfx942" { "gfx950" } else { "gfx942" };
        for hidden in [
            format!("hf_emu_{other}_launch"),
            "_ZN2hf3emu6mallocEm".to_string(),
            "__sanitizer_cov_load4".to_string(),
        ] {
            assert!(sym(h, &hidden).is_null(), "{arch}: {hidden} must not be exported");
        }
        unsafe {
            check_arch(
                arch,
                std::mem::transmute::<*mut c_void, Malloc>(m),
                std::mem::transmute::<*mut c_void, Free>(fr),
                std::mem::transmute::<*mut c_void, Launch>(l),
            );
        }
    }
}

/// `p_memsz` of the PT_TLS program header of a 64-bit little-endian ELF file, 0 when it has none.
fn pt_tls_memsz(elf: &[u8]) -> u64 {
    let u16_at = |o: usize| u16::from_le_bytes(elf[o..o + 2].try_into().unwrap()) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap());
    assert!(elf.starts_with(b"\x7fELF"), "not an ELF file");
    assert_eq!(elf[4], 2, "not a 64-bit ELF file");
    assert_eq!(elf[5], 1, "not a little-endian ELF file");
    let (phoff, phentsize, phnum) = (u64_at(0x20) as usize, u16_at(0x36), u16_at(0x38));
    const PT_TLS: u32 = 7;
    (0..phnum)
        .map(|i| phoff + i * phentsize)
        .find(|&ph| u32_at(ph) == PT_TLS)
        .map_or(0, |ph| u64_at(ph + 0x28))
}

#[test]
fn elf_reader_finds_pt_tls() {
    // A hand-made header: 2 program headers at 0x40, the second PT_TLS with p_memsz 0x233500.
    let mut elf = vec![0u8; 0x40 + 2 * 56];
    elf[..6].copy_from_slice(b"\x7fELF\x02\x01");
    elf[0x20..0x28].copy_from_slice(&0x40u64.to_le_bytes());
    elf[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
    elf[0x38..0x3a].copy_from_slice(&2u16.to_le_bytes());
    elf[0x40..0x44].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    elf[0x40 + 0x28..0x40 + 0x30].copy_from_slice(&0x1000u64.to_le_bytes());
    let tls = 0x40 + 56;
    elf[tls..tls + 4].copy_from_slice(&7u32.to_le_bytes());
    elf[tls + 0x28..tls + 0x30].copy_from_slice(&0x233500u64.to_le_bytes());
    assert_eq!(pt_tls_memsz(&elf), 0x233500);
    elf[tls..tls + 4].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(pt_tls_memsz(&elf), 0);
}

#[test]
fn binaries_linking_hipforge_have_small_static_tls() {
    // This test binary links the hipforge rlib, and so does the CLI: neither may carry the emulator's LDS arrays.
    let exe = std::fs::read("/proc/self/exe").expect("read /proc/self/exe");
    let own = pt_tls_memsz(&exe);
    assert!(
        own < MAX_STATIC_TLS,
        "this test binary's PT_TLS is {own:#x} bytes (limit {MAX_STATIC_TLS:#x})"
    );
    let cli = env!("CARGO_BIN_EXE_hipforge");
    let bytes = std::fs::read(cli).unwrap_or_else(|e| panic!("read {cli}: {e}"));
    let size = pt_tls_memsz(&bytes);
    assert!(
        size < MAX_STATIC_TLS,
        "{cli}: PT_TLS is {size:#x} bytes (limit {MAX_STATIC_TLS:#x})"
    );
    println!("PT_TLS MemSiz: this test {own:#x}, {cli} {size:#x}");
}
