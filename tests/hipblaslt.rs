//! The hipBLASLt backend without hipBLASLt (the usual state of a CI machine): typed errors, nothing else affected.

use hipforge::runtime::hipblaslt::{HipBlasLt, HipBlasLtLibrary};
use hipforge::runtime::Arch;
use hipforge::Error;

mod common;
use common::emulator;

#[test]
fn absent_library_is_a_typed_error_listing_what_was_tried() {
    match HipBlasLtLibrary::global() {
        Err(Error::LibraryNotFound { library, tried }) => {
            assert_eq!(library, "hipBLASLt");
            assert!(!tried.is_empty());
            assert!(tried.iter().any(|t| t.contains("libhipblaslt.so")), "{tried:?}");
        }
        Ok(lib) => eprintln!(
            "hipBLASLt is installed here ({}); the absent case is covered by load_from",
            lib.path()
        ),
        Err(e) => panic!("expected LibraryNotFound, got {e:?}"),
    }
    match HipBlasLtLibrary::load_from("/nonexistent/libhipblaslt.so.1") {
        Err(Error::LibraryNotFound { library, tried }) => {
            assert_eq!(library, "hipBLASLt");
            assert!(tried[0].starts_with("/nonexistent/libhipblaslt.so.1"), "{tried:?}");
        }
        other => panic!("expected LibraryNotFound, got {other:?}"),
    }
}

#[test]
fn a_library_that_is_not_hipblaslt_gives_missing_symbol() {
    let lib = HipBlasLtLibrary::load_from("libc.so.6").expect("libc opens");
    let mut handle = std::ptr::null_mut();
    let err = unsafe { lib.raw().hipblasLtCreate(&mut handle) }.unwrap_err();
    assert_eq!(err.symbol, "hipblasLtCreate");
    assert_eq!(err.library, "libc.so.6");
    assert!(handle.is_null());
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn hipblaslt_refuses_the_emulator_with_a_typed_error() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let lib = HipBlasLtLibrary::load_from("libc.so.6").unwrap();
    match HipBlasLt::with_library(&dev, lib) {
        Err(Error::Unsupported { what }) => assert!(what.contains("HIP device"), "{what}"),
        other => panic!("expected Unsupported, got {:?}", other.err()),
    }
    // ...and the emulator itself keeps working.
    let buf = dev.upload(&[1.0f32, 2.0]).unwrap();
    assert_eq!(buf.download().unwrap(), vec![1.0, 2.0]);
}
