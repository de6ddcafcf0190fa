//! The HIP backend end to end against a stand-in runtime (tests/runtime_fake/fake_hip.c: one "device" in host
//! memory that records what it is asked to do). No GPU exists here; this runs every HIP-backend path of
//! `hipforge::runtime` — properties, memory, copies, streams, events, module loading and the launch — for real.
//!
//! Needs a C compiler (clang-22, clang or cc); skips without one unless HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1.

use hipforge::runtime::{Arch, Device, HipRuntime, LaunchConfig};
use hipforge::Error;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

mod common;
use common::quant_params::{QuantParams, PARAMS_BYTES};

/// Compiles `tests/runtime_fake/<name>.c` into a shared object (once per name and process), and returns a copy
/// private to `tag`: each test opens its own file, so the fakes' global counters are not shared between tests
/// running in parallel.
fn build_fake_for(name: &str, tag: &str) -> Option<PathBuf> {
    let shared = build_fake(name)?;
    let private = shared.with_file_name(format!("lib{name}-{tag}.so"));
    // Copy then rename: never rewrite in place a file another process may have mapped.
    let tmp = shared.with_file_name(format!("lib{name}-{tag}.so.{}", std::process::id()));
    std::fs::copy(&shared, &tmp).ok()?;
    std::fs::rename(&tmp, &private).ok()?;
    Some(private)
}

fn build_fake(name: &str) -> Option<PathBuf> {
    static BUILT: std::sync::Mutex<Vec<(String, Option<PathBuf>)>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = built.iter().find(|(n, _)| n == name) {
        return p.clone();
    }
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/runtime_fake/{name}.c"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lib{name}.so"));
    let offset = std::mem::offset_of!(hip_sys::types::hipDeviceProp_tR0600, gcnArchName);
    let mut result = None;
    for cc in ["clang-22", "clang", "cc"] {
        let status = Command::new(cc)
            .args(["-shared", "-fPIC", "-O1", "-o"])
            .arg(&out)
            .arg(&src)
            .arg(format!("-DGCN_ARCH_OFFSET={offset}"))
            .arg(format!("-DPARAMS_BYTES={PARAMS_BYTES}"))
            .status();
        if matches!(status, Ok(s) if s.success()) {
            result = Some(out);
            break;
        }
    }
    built.push((name.to_string(), result.clone()));
    result
}

fn fake_runtime(tag: &str) -> Option<(Arc<HipRuntime>, hip_sys::Library)> {
    let Some(path) = build_fake_for("fake_hip", tag) else {
        let why = "no C compiler (clang-22, clang, cc) to build the fake HIP runtime";
        if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() == Ok("1") {
            panic!("{why}, and HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1");
        }
        eprintln!("skipping: {why}");
        return None;
    };
    let rt = HipRuntime::load_from(&path).expect("the fake runtime opens");
    let hooks = hip_sys::loader::load_from("fake hooks", &path).expect("opens twice");
    Some((rt, hooks))
}

#[test]
fn hip_backend_memory_streams_events_and_properties() {
    let Some((rt, hooks)) = fake_runtime("memory") else {
        return;
    };
    let live = || unsafe {
        (hooks
            .get::<unsafe extern "C" fn() -> i32>("fake_live_allocations")
            .unwrap())()
    };
    assert_eq!(rt.runtime_version().unwrap(), 60_443_483);

    let dev = Device::hip_with(&rt, 0).unwrap();
    assert!(!dev.is_emulator());
    assert_eq!(dev.arch(), &Arch::Gfx942);
    assert_eq!(dev.name(), "Fake Instinct");
    let props = dev.properties().unwrap();
    assert_eq!(props.gcn_arch_name, "gfx942:sramecc+:xnack-");
    assert_eq!(
        (props.warp_size, props.lds_per_block, props.total_memory),
        (64, 65536, 192 << 30)
    );

    match Device::hip_with(&rt, 1) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "device ordinal"),
        other => panic!("expected InvalidArgument for ordinal 1 of 1, got {other:?}"),
    }

    let before = live();
    {
        // hipMalloc memory is not zero (the fake fills it with 0xA5): alloc_zeroed must clear it.
        let z = dev.alloc_zeroed::<u32>(100).unwrap();
        assert_eq!(z.download().unwrap(), vec![0u32; 100]);
        let host: Vec<f32> = (0..333).map(|i| i as f32 - 1.5).collect();
        let mut b = dev.upload(&host).unwrap();
        assert_eq!(b.download().unwrap(), host);
        assert_eq!(live(), before + 2);

        let stream = dev.new_stream().unwrap();
        let back = stream.upload_async(&mut b, vec![7.0f32; 333]).unwrap().wait().unwrap();
        assert_eq!(back, vec![7.0f32; 333]);
        let down = stream.download_async(&b, Vec::new()).unwrap().wait().unwrap();
        assert_eq!(down, vec![7.0f32; 333]);
        stream.zero_async(&mut b).unwrap();
        stream.synchronize().unwrap();
        assert_eq!(b.download().unwrap(), vec![0.0f32; 333]);

        let (e0, e1) = (dev.new_event().unwrap(), dev.new_event().unwrap());
        e0.record(&stream).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(15));
        e1.record(&stream).unwrap();
        let ms = e0.elapsed_ms(&e1).unwrap();
        assert!((10.0..5000.0).contains(&ms), "{ms}");
    }
    assert_eq!(live(), before, "buffers free their memory on drop");
}

#[test]
fn hip_backend_launch_passes_the_params_struct_as_the_single_argument() {
    let Some((rt, hooks)) = fake_runtime("launch") else {
        return;
    };
    let kernel = "hf_quant_amax_f32";
    if hipforge::kernels::code_object("gfx942", kernel).is_none() {
        // Without a GPU build there is nothing to load: that is the typed KernelNotBuilt path.
        let dev = Device::hip_with(&rt, 0).unwrap();
        let p = [0u8; 48];
        match unsafe { dev.launch(kernel, LaunchConfig::linear(1, 256), &p) } {
            Err(Error::KernelNotBuilt { arch, .. }) => assert_eq!(arch, "gfx942"),
            other => panic!("expected KernelNotBuilt, got {other:?}"),
        }
        eprintln!(
            "skipping the launch half: no gfx942 code object ({})",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        return;
    }
    let dev = Device::hip_with(&rt, 0).unwrap();
    let x = dev.upload(&[1.0f32; 64]).unwrap();
    let amax = dev.alloc_zeroed::<u32>(1).unwrap();
    let params = QuantParams {
        x: x.device_ptr(),
        q: 0,
        scale: 0,
        amax: amax.device_ptr(),
        rows: 2,
        cols: 32,
        ld_x: 32,
        ld_q: 32,
    };
    let cfg = LaunchConfig {
        grid: [2, 1, 1],
        block: [256, 1, 1],
        dynamic_lds: 1024,
    };
    let stream = dev.new_stream().unwrap();
    unsafe { stream.launch(kernel, cfg, &params) }.unwrap();
    unsafe { dev.launch(kernel, cfg, &params) }.unwrap(); // second launch: module and function come from the cache

    let loads = unsafe { (hooks.get::<unsafe extern "C" fn() -> i32>("fake_module_loads").unwrap())() };
    assert_eq!(loads, 1, "one hipModuleLoadData per code object and device");
    let name = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const std::ffi::c_char>("fake_last_kernel")
            .unwrap())();
        std::ffi::CStr::from_ptr(p).to_str().unwrap().to_string()
    };
    assert_eq!(name, kernel);
    let dims = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const u32>("fake_last_dims")
            .unwrap())();
        std::slice::from_raw_parts(p, 7).to_vec()
    };
    assert_eq!(dims, vec![2, 1, 1, 256, 1, 1, 1024]);
    let seen: QuantParams = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const QuantParams>("fake_last_params")
            .unwrap())();
        std::ptr::read_unaligned(p)
    };
    assert_eq!(seen, params);
    let last_stream = unsafe {
        (hooks
            .get::<unsafe extern "C" fn() -> usize>("fake_last_stream")
            .unwrap())()
    };
    assert_eq!(last_stream, 0, "Device::launch uses the null stream");
}

#[test]
fn hip_backend_refuses_less_dynamic_lds_than_the_kernel_declares() {
    let Some((rt, hooks)) = fake_runtime("lds") else {
        return;
    };
    let kernel = "hf_gemm_bf16_bf16_64x128";
    let Ok(Some(declared)) = hipforge::isa::declared_dynamic_lds("gfx942", kernel) else {
        eprintln!(
            "skipping: no gfx942 code object with {kernel}'s HF_DYNAMIC_LDS ({})",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        return;
    };
    let dev = Device::hip_with(&rt, 0).unwrap();
    // The refusal comes before the launch, so the params' contents do not matter.
    let params = [0u8; 16];
    let cfg = LaunchConfig {
        grid: [1, 1, 1],
        block: [256, 1, 1],
        dynamic_lds: declared - 1,
    };
    match unsafe { dev.launch(kernel, cfg, &params) } {
        Err(Error::InvalidArgument { what, expected, got }) => {
            assert!(what.contains(kernel), "{what}");
            assert!(expected.contains(&declared.to_string()), "{expected}");
            assert!(got.contains(&(declared - 1).to_string()), "{got}");
        }
        other => panic!("expected InvalidArgument for too little LDS, got {other:?}"),
    }
    let last = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const std::ffi::c_char>("fake_last_kernel")
            .unwrap())();
        std::ffi::CStr::from_ptr(p).to_str().unwrap().to_string()
    };
    assert_ne!(last, kernel, "the refused kernel reached hipModuleLaunchKernel");
}

/// Calls a no-argument hook of a fake library.
fn hook<R>(lib: &hip_sys::Library, name: &str) -> R {
    unsafe {
        (lib.get::<unsafe extern "C" fn() -> R>(name)
            .unwrap_or_else(|| panic!("hook {name}")))()
    }
}

/// Calls a one-argument hook of a fake library.
fn hook1<R>(lib: &hip_sys::Library, name: &str, arg: i32) -> R {
    unsafe {
        (lib.get::<unsafe extern "C" fn(i32) -> R>(name)
            .unwrap_or_else(|| panic!("hook {name}")))(arg)
    }
}

/// The fake's record of a matrix layout.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct FakeLayout {
    dtype: i32,
    rows: u64,
    cols: u64,
    ld: i64,
    batch: i32,
    stride: i64,
}

#[test]
fn hipblaslt_wrapper_drives_the_documented_call_sequence() {
    use hip_sys::types::*;
    use hipforge::runtime::hipblaslt::*;
    use hipforge::{bf16, DType, F8E4M3};
    let Some((rt, _)) = fake_runtime("hipblaslt") else {
        return;
    };
    let Some(blas_path) = build_fake_for("fake_hipblaslt", "hipblaslt") else {
        return;
    };
    let blas = hip_sys::loader::load_from("fake hooks", &blas_path).unwrap();
    let dev = Device::hip_with(&rt, 0).unwrap();

    let (m, n, k, batch) = (64u64, 48u64, 128u64, 2u32);
    let mut plan = MatmulPlan::new(
        m,
        n,
        k,
        true,
        false,
        DType::F8E4M3,
        DType::F8E4M3,
        DType::BF16,
        ComputeType::F32,
    );
    plan.a = plan.a.batched(batch, (k * m) as i64);
    plan.b = plan.b.batched(batch, (k * n) as i64);
    plan.c = plan.c.batched(batch, (m * n) as i64);
    plan.d = plan.d.batched(batch, (m * n) as i64);
    plan.epilogue = Epilogue::BiasGelu;
    plan.bias_dtype = Some(DType::BF16);
    plan.scale_a = Some(ScaleMode::OuterVector);
    plan.scale_b = Some(ScaleMode::Scalar);
    plan.scale_d = true;
    plan.amax_d = true;

    let lib = HipBlasLtLibrary::load_from(&blas_path).unwrap();
    let lt = HipBlasLt::with_library(&dev, lib).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_handles"), 1);

    // The heuristic: the whole list, minus candidates over the workspace limit.
    let algos = lt.heuristics(&plan, 8).unwrap();
    assert_eq!(
        algos.iter().map(|a| a.workspace_bytes).collect::<Vec<_>>(),
        vec![0, 1024]
    );
    assert_eq!(algos[1].waves_count, 2.0);
    assert_eq!(hook::<u64>(&blas, "fake_pref_workspace"), DEFAULT_WORKSPACE as u64);
    let layout = |i| unsafe { *hook1::<*const FakeLayout>(&blas, "fake_layout", i) };
    let a_layout = FakeLayout {
        dtype: HIP_R_8F_E4M3,
        rows: k,
        cols: m,
        ld: k as i64,
        batch: 2,
        stride: (k * m) as i64,
    };
    assert_eq!(layout(0), a_layout);
    assert_eq!((layout(1).rows, layout(1).cols), (k, n));
    assert_eq!(
        (layout(3).dtype, layout(3).rows, layout(3).stride),
        (HIP_R_16BF, m, (m * n) as i64)
    );
    let attr = |a: i32| hook1::<i64>(&blas, "fake_desc_attr", a);
    assert_eq!(hook::<i32>(&blas, "fake_desc_compute"), HIPBLAS_COMPUTE_32F);
    assert_eq!(hook::<i32>(&blas, "fake_desc_scale"), HIP_R_32F);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_TRANSA), HIPBLAS_OP_T as i64);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_TRANSB), HIPBLAS_OP_N as i64);
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_EPILOGUE),
        HIPBLASLT_EPILOGUE_GELU_BIAS as i64
    );
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_BIAS_DATA_TYPE), HIP_R_16BF as i64);
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_A_SCALE_MODE),
        HIPBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F as i64
    );
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_B_SCALE_MODE),
        -1,
        "scalar is the default mode: not set"
    );
    assert_ne!(
        attr(HIPBLASLT_MATMUL_DESC_BIAS_POINTER),
        -1,
        "the query says a bias is used"
    );
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_C_SCALE_POINTER), -1);

    // Buffers.
    let a = dev.alloc_zeroed::<F8E4M3>((batch as u64 * k * m) as usize).unwrap();
    let b = dev.alloc_zeroed::<F8E4M3>((batch as u64 * k * n) as usize).unwrap();
    let mut d = dev.alloc_zeroed::<bf16>((batch as u64 * m * n) as usize).unwrap();
    let bias = dev.alloc_zeroed::<bf16>(m as usize).unwrap();
    let bias_f32 = dev.alloc_zeroed::<f32>(m as usize).unwrap();
    let scale_a = dev.alloc_zeroed::<f32>((batch as u64 * m) as usize).unwrap();
    let scale_b = dev.alloc_zeroed::<f32>(1).unwrap();
    let scale_d = dev.alloc_zeroed::<f32>(1).unwrap();
    let mut amax = dev.alloc_zeroed::<f32>(1).unwrap();
    let ptrs = (a.device_ptr(), b.device_ptr(), d.device_ptr());
    let (bias_p, sa_p, sb_p, sd_p, amax_p) = (
        bias.device_ptr(),
        scale_a.device_ptr(),
        scale_b.device_ptr(),
        scale_d.device_ptr(),
        amax.device_ptr(),
    );
    let stream = dev.new_stream().unwrap();
    let run = |d: &mut hipforge::runtime::DeviceBuffer<bf16>,
               amax: &mut hipforge::runtime::DeviceBuffer<f32>,
               bias: &hipforge::runtime::DeviceBuffer<bf16>,
               beta: f64| {
        let args = MatmulArgs {
            a: (&a).into(),
            b: (&b).into(),
            c: None,
            d: d.into(),
            alpha: 1.5,
            beta,
            bias: Some(bias.into()),
            scale_a: Some((&scale_a).into()),
            scale_b: Some((&scale_b).into()),
            scale_c: None,
            scale_d: Some((&scale_d).into()),
            amax_d: Some(amax.into()),
        };
        lt.matmul(&plan, args, Some(&stream))
    };
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_matmuls"), 1);
    assert_eq!(
        hook::<i32>(&blas, "fake_heuristic_calls"),
        2,
        "heuristics() + the cache's first choice"
    );
    assert_eq!(
        hook::<i32>(&blas, "fake_mm_algo"),
        10,
        "the heuristic's first candidate"
    );
    assert_eq!(
        (hook::<f32>(&blas, "fake_mm_alpha"), hook::<f32>(&blas, "fake_mm_beta")),
        (1.5, 0.0)
    );
    let mm = |i| hook1::<u64>(&blas, "fake_mm_ptr", i);
    assert_eq!((mm(0), mm(1), mm(3)), ptrs);
    assert_eq!(mm(2), ptrs.2, "C absent (beta = 0): D stands in");
    assert_eq!(hook::<usize>(&blas, "fake_mm_ws_size"), 0);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_BIAS_POINTER) as u64, bias_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_A_SCALE_POINTER) as u64, sa_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_B_SCALE_POINTER) as u64, sb_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_D_SCALE_POINTER) as u64, sd_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_AMAX_D_POINTER) as u64, amax_p);

    // The cache: same plan, no new heuristic query. A chosen algorithm with workspace gets one.
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_heuristic_calls"), 2);
    assert_eq!(lt.cached_plans(), 1);
    lt.set_algorithm(&plan, algos[1]);
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_mm_algo"), 11);
    assert!(hook::<usize>(&blas, "fake_mm_ws_size") >= 1024 && mm(4) != 0);

    // Validation happens before any call.
    let calls = hook::<i32>(&blas, "fake_matmuls");
    match run(&mut d, &mut amax, &bias, 1.0) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "c"),
        other => panic!("expected InvalidArgument(c) for beta != 0 without C, got {other:?}"),
    }
    let wrong_bias = MatmulArgs {
        a: (&a).into(),
        b: (&b).into(),
        c: None,
        d: (&mut d).into(),
        alpha: 1.0,
        beta: 0.0,
        bias: Some((&bias_f32).into()),
        scale_a: Some((&scale_a).into()),
        scale_b: Some((&scale_b).into()),
        scale_c: None,
        scale_d: Some((&scale_d).into()),
        amax_d: Some((&mut amax).into()),
    };
    assert!(matches!(
        lt.matmul(&plan, wrong_bias, None),
        Err(Error::UnsupportedDType { .. })
    ));
    let mut short_d = dev.alloc_zeroed::<bf16>((m * n) as usize).unwrap();
    match run(&mut short_d, &mut amax, &bias, 0.0) {
        Err(Error::LengthMismatch { what, expected, got }) => {
            assert_eq!(
                (what.as_str(), expected, got),
                ("d", (2 * m * n) as usize, (m * n) as usize)
            )
        }
        other => panic!("expected LengthMismatch(d), got {other:?}"),
    }
    assert_eq!(
        hook::<i32>(&blas, "fake_matmuls"),
        calls,
        "rejected calls reach no hipBLASLt function"
    );

    assert_eq!(
        hook::<i32>(&blas, "fake_live_descs"),
        0,
        "every layout/descriptor/preference was destroyed"
    );
    drop(lt);
    assert_eq!(hook::<i32>(&blas, "fake_handles"), 0);
}
