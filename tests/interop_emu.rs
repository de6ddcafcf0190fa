//! Borrowed memory, views, streams and caller workspaces on the emulator, where kernels really run: results through
//! views and borrowed memory are checked against the CPU reference, and runs with a caller's workspace against runs
//! with the plan's own (bit for bit: same kernels, same order). The HIP side of the same APIs (which calls a run
//! makes, on which stream) is in tests/runtime_fake_hip.rs.
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

mod common;

use common::{emulator, Rng};
use hipforge::attention::{AttentionPlan, AttentionSpec};
use hipforge::gemm::{GemmOperands, GemmPlan, GemmSpec, PlanOptions};
use hipforge::quant::{self, Granularity, QuantPlan, QuantSpec};
use hipforge::reference::{self, GemmInputs};
use hipforge::runtime::{Arch, DeviceBuffer};
use hipforge::verify::{verify, ErrorModel};
use hipforge::{bf16, DType, Error, F8E4M3};

fn bf16s(rng: &mut Rng, n: usize) -> Vec<bf16> {
    (0..n).map(|_| bf16::from_f64(rng.uniform(-1.0, 1.0))).collect()
}

#[test]
fn views_read_and_write_their_sub_range_only() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let host: Vec<i32> = (0..100).collect();
    let mut buf = dev.upload(&host).unwrap();
    assert_eq!(buf.slice(10..20).unwrap().download().unwrap(), host[10..20]);
    assert_eq!(buf.slice(95..).unwrap().download().unwrap(), host[95..]);
    assert_eq!(buf.slice(..).unwrap().len(), 100);
    let nested = buf.slice(10..50).unwrap().slice(5..=6).unwrap();
    assert_eq!(nested.download().unwrap(), [15, 16]);
    assert_eq!(nested.device_ptr(), buf.device_ptr() + 15 * 4);

    buf.slice_mut(50..53).unwrap().copy_from_host(&[-1, -2, -3]).unwrap();
    {
        let (mut lo, mut hi) = buf.split_at_mut(90).unwrap();
        hi.zero().unwrap();
        lo.slice_mut(0..2)
            .unwrap()
            .copy_from(&buf_snapshot(&dev, &[7, 8]))
            .unwrap();
        assert_eq!(hi.len(), 10);
    }
    let mut want = host.clone();
    want[50..53].copy_from_slice(&[-1, -2, -3]);
    want[90..].fill(0);
    want[..2].copy_from_slice(&[7, 8]);
    assert_eq!(buf.download().unwrap(), want, "only the viewed elements changed");

    // Bad ranges and lengths are typed errors naming what was expected.
    #[allow(clippy::reversed_empty_ranges)]
    for r in [buf.slice(90..101).err(), buf.slice(101..).err(), buf.slice(5..2).err()] {
        match r {
            Some(Error::InvalidArgument { what, expected, .. }) => {
                assert_eq!(what, "slice range");
                assert!(expected.contains("0..100"), "{expected}");
            }
            other => panic!("expected InvalidArgument(slice range), got {other:?}"),
        }
    }
    assert!(matches!(buf.split_at_mut(101), Err(Error::InvalidArgument { .. })));
    match buf.slice_mut(0..3).unwrap().copy_from_host(&[1, 2]) {
        Err(Error::LengthMismatch { expected, got, .. }) => assert_eq!((expected, got), (3, 2)),
        other => panic!("expected LengthMismatch, got {other:?}"),
    }
}

/// A fresh buffer holding `v`.
fn buf_snapshot(dev: &hipforge::runtime::Device, v: &[i32]) -> DeviceBuffer<i32> {
    dev.upload(v).unwrap()
}

#[test]
fn borrowed_memory_is_used_but_never_freed() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    // The "framework's" memory: an emulator allocation hipforge gives up (leak) and then only borrows.
    let ptr = dev.upload(&[1.5f32, 2.5, 3.5, 4.5]).unwrap().leak();
    for round in 0..3 {
        // SAFETY: `ptr` holds 4 f32 of this emulator and is freed only at the end of the test.
        let mut b = unsafe { DeviceBuffer::<f32>::from_raw(&dev, ptr, 4) }.unwrap();
        assert!(!b.is_owned());
        assert_eq!(b.download().unwrap()[round], [1.5f32, 2.5, 3.5, 4.5][round]);
        b.slice_mut(round..round + 1)
            .unwrap()
            .copy_from_host(&[round as f32])
            .unwrap();
        // Dropping `b` must not free: the next round reads the memory again (a freed allocation would be
        // unmapped from the emulator's arena and its data gone).
    }
    // A kernel reading the borrowed memory after the wrappers are gone: the emulator faults on freed memory.
    let spec = QuantSpec::new(1, 4, Granularity::Row);
    // SAFETY: as above.
    let x = unsafe { DeviceBuffer::<f32>::from_raw(&dev, ptr, 4) }.unwrap();
    let mut q = dev.alloc_zeroed::<F8E4M3>(4).unwrap();
    let mut s = dev.alloc_zeroed::<f32>(1).unwrap();
    quant::quantize(&x, &spec, &mut q, &mut s).unwrap();
    let (want_q, want_s) = quant::reference::quantize::<f32, F8E4M3>(&[0.0, 1.0, 2.0, 4.5], &spec).unwrap();
    assert_eq!(s.download().unwrap(), want_s);
    assert_eq!(
        q.download().unwrap().iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        want_q.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    drop(x);
    // SAFETY: `ptr` is this emulator's allocation (leaked above), taken back once: freed on drop.
    let owned = unsafe { DeviceBuffer::<f32>::from_raw_owned(&dev, ptr, 4) }.unwrap();
    assert!(owned.is_owned());

    // The raw constructors check what they can.
    // SAFETY: the calls are refused before anything uses the pointers.
    unsafe {
        match DeviceBuffer::<f32>::from_raw(&dev, 0, 4) {
            Err(Error::InvalidArgument { what, got, .. }) => {
                assert_eq!((what.as_str(), got.as_str()), ("device pointer", "null"))
            }
            other => panic!("expected InvalidArgument for a null pointer, got {other:?}"),
        }
        match DeviceBuffer::<f32>::from_raw(&dev, ptr + 2, 1) {
            Err(Error::InvalidArgument { expected, .. }) => assert!(expected.contains("aligned to 4"), "{expected}"),
            other => panic!("expected InvalidArgument for a misaligned pointer, got {other:?}"),
        }
        assert!(DeviceBuffer::<f32>::from_raw(&dev, 0, 0).unwrap().is_empty());
    }
}

#[test]
fn gemm_on_views_borrowed_memory_and_caller_workspace() {
    let Some(dev) = emulator(Arch::Gfx942) else { return };
    let mut rng = Rng(14);
    // Small M, long K: the plan splits K and needs a workspace.
    let spec = GemmSpec::new(40, 96, 1024, DType::BF16, DType::BF16, DType::F32);
    let (a, b) = (bf16s(&mut rng, spec.a_len()), bf16s(&mut rng, spec.b_len()));
    let expected = reference::gemm(&spec, &GemmInputs::new(&a, &b)).unwrap();
    let model = ErrorModel::gemm(DType::F32, false);

    // A and B live in one arena, A one element off 16-byte alignment (the kernel's unvectorized path).
    let mut arena_host = vec![bf16::ZERO; 1 + spec.a_len() + spec.b_len()];
    arena_host[1..1 + spec.a_len()].copy_from_slice(&a);
    arena_host[1 + spec.a_len()..].copy_from_slice(&b);
    let arena = dev.upload(&arena_host).unwrap();
    let av = arena.slice(1..1 + spec.a_len()).unwrap();
    let bv = arena.slice(1 + spec.a_len()..).unwrap();
    assert_ne!(av.device_ptr() % 16, 0);

    let own = GemmPlan::new(&dev, &spec).unwrap();
    assert!(own.splits() > 1 && own.owns_workspace());
    let mut d_big = dev.alloc_zeroed::<f32>(spec.d_len() + 64).unwrap();
    {
        let mut dv = d_big.slice_mut(32..32 + spec.d_len()).unwrap();
        own.run(&GemmOperands::new(&av, &bv), &mut dv).unwrap();
    }
    let d_own = d_big.slice(32..32 + spec.d_len()).unwrap().download().unwrap();
    let report = verify(&spec.gather_d(&d_own).unwrap(), &expected, &model).unwrap();
    assert!(report.passed(), "views: {report}");
    assert!(
        d_big
            .download()
            .unwrap()
            .iter()
            .enumerate()
            .all(|(i, &v)| (32..32 + spec.d_len()).contains(&i) || v == 0.0),
        "nothing written outside D's view"
    );

    // The same plan without its own workspace, on a created stream, with a workspace view into borrowed memory.
    let caller = GemmPlan::with_options(
        &dev,
        &spec,
        PlanOptions {
            caller_workspace: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!caller.owns_workspace());
    assert_eq!(caller.workspace_bytes(), own.workspace_bytes());
    let stream = dev.new_stream().unwrap();
    let (da, db) = (dev.upload(&a).unwrap(), dev.upload(&b).unwrap());
    let mut d = dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
    let ws_ptr = dev.alloc_zeroed::<u8>(caller.workspace_bytes() + 256).unwrap().leak();
    // SAFETY: a leaked emulator allocation of that size, freed at the end of the test.
    let mut ws_mem = unsafe { DeviceBuffer::<u8>::from_raw(&dev, ws_ptr, caller.workspace_bytes() + 256) }.unwrap();
    let mut ws = ws_mem.slice_mut(256..).unwrap();
    match caller.run_on(&stream, &GemmOperands::new(&da, &db), &mut d) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "workspace"),
        other => panic!("expected InvalidArgument(workspace), got {other:?}"),
    }
    caller
        .run_with_workspace(&stream, &GemmOperands::new(&da, &db), &mut d, &mut ws)
        .unwrap();
    stream.synchronize().unwrap();
    assert_eq!(
        d.download().unwrap().iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        d_own.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        "the caller's workspace gives the plan's own result, bit for bit"
    );
    let mut short = ws.slice_mut(1..).unwrap();
    assert!(matches!(
        caller.run_with_workspace(&stream, &GemmOperands::new(&da, &db), &mut d, &mut short),
        Err(Error::LengthMismatch { ref what, .. }) if what == "workspace"
    ));
    drop(ws_mem);
    // SAFETY: leaked above, taken back once.
    drop(unsafe { DeviceBuffer::<u8>::from_raw_owned(&dev, ws_ptr, 1) }.unwrap());
}

#[test]
fn attention_decode_with_a_caller_workspace_matches_its_own() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let mut rng = Rng(141);
    let spec = AttentionSpec::new(2, 3, 300, 8, 64, DType::BF16).gqa(2).with_lse();
    let own = AttentionPlan::new(&dev, &spec).unwrap();
    let caller = AttentionPlan::with_caller_workspace(&dev, &spec).unwrap();
    assert!(own.kv_splits().is_some() && own.owns_workspace() && !caller.owns_workspace());
    assert_eq!(own.workspace_bytes(), caller.workspace_bytes());
    let (q, k, v) = (
        bf16s(&mut rng, spec.q_len()),
        bf16s(&mut rng, spec.k_len()),
        bf16s(&mut rng, spec.v_len()),
    );
    // Q, K and V as views of one allocation.
    let qkv = dev.upload(&[q.clone(), k.clone(), v.clone()].concat()).unwrap();
    let (ql, kl) = (spec.q_len(), spec.k_len());
    let (qv, kv, vv) = (
        qkv.slice(..ql).unwrap(),
        qkv.slice(ql..ql + kl).unwrap(),
        qkv.slice(ql + kl..).unwrap(),
    );
    let run = |plan: &AttentionPlan, ws: Option<&mut DeviceBuffer<u8>>| {
        let mut o = dev.alloc_zeroed::<bf16>(spec.o_len()).unwrap();
        let mut lse = dev.alloc_zeroed::<f32>(spec.lse_len()).unwrap();
        let stream = dev.default_stream();
        match ws {
            Some(ws) => plan
                .run_with_workspace(&stream, &qv, &kv, &vv, &mut o, Some(&mut lse), ws)
                .unwrap(),
            None => plan.run_on(&stream, &qv, &kv, &vv, &mut o, Some(&mut lse)).unwrap(),
        }
        (o.download().unwrap(), lse.download().unwrap())
    };
    let (o_own, lse_own) = run(&own, None);
    let mut ws = dev.alloc_zeroed::<u8>(caller.workspace_bytes()).unwrap();
    let (o_caller, lse_caller) = run(&caller, Some(&mut ws));
    assert_eq!(o_own, o_caller);
    assert_eq!(
        lse_own.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        lse_caller.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    let expected = reference::attention(&spec, &q, &k, &v).unwrap();
    let report = verify(
        &spec.gather_o(&o_own).unwrap(),
        &expected.out,
        &ErrorModel::attention(DType::BF16, DType::BF16),
    )
    .unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn quant_plans_run_on_streams_with_their_own_or_a_caller_scratch() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let mut rng = Rng(1414);
    let spec = QuantSpec::new(5, 300, Granularity::Tensor);
    let x = rng.f32s(spec.input_len().unwrap(), -30.0, 30.0);
    let (want_q, want_s) = quant::reference::quantize::<f32, F8E4M3>(&x, &spec).unwrap();
    let xd = dev.upload(&x).unwrap();
    let own = QuantPlan::<f32, F8E4M3>::new(&dev, &spec).unwrap();
    let caller = QuantPlan::<f32, F8E4M3>::with_caller_workspace(&dev, &spec).unwrap();
    assert_eq!((own.workspace_bytes(), caller.workspace_bytes()), (4, 4));
    let stream = dev.new_stream().unwrap();
    let mut scratch = dev.alloc_zeroed::<u8>(16).unwrap();
    for round in 0..2 {
        let mut q = dev.alloc_zeroed::<F8E4M3>(spec.output_len().unwrap()).unwrap();
        let mut s = dev.alloc_zeroed::<f32>(1).unwrap();
        if round == 0 {
            own.run_on(&stream, &xd, &mut q, &mut s).unwrap();
        } else {
            caller
                .run_with_workspace(&stream, &xd, &mut q, &mut s, &mut scratch)
                .unwrap();
        }
        stream.synchronize().unwrap();
        assert_eq!(s.download().unwrap(), want_s, "round {round}");
        assert!(q
            .download()
            .unwrap()
            .iter()
            .zip(&want_q)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
    // Half the input: a smaller amax, which an amax left in either scratch by the runs above would hide (each run
    // must clear its scratch first, in stream order).
    let half: Vec<f32> = x.iter().map(|v| v * 0.5).collect();
    let (_, want_half) = quant::reference::quantize::<f32, F8E4M3>(&half, &spec).unwrap();
    assert_ne!(want_half, want_s);
    let hd = dev.upload(&half).unwrap();
    let mut q = dev.alloc_zeroed::<F8E4M3>(spec.output_len().unwrap()).unwrap();
    let mut s = dev.alloc_zeroed::<f32>(1).unwrap();
    caller
        .run_with_workspace(&stream, &hd, &mut q, &mut s, &mut scratch)
        .unwrap();
    assert_eq!(s.download().unwrap(), want_half, "caller scratch");
    own.run(&hd, &mut q, &mut s).unwrap();
    assert_eq!(s.download().unwrap(), want_half, "plan scratch");
    match caller.run(&hd, &mut q, &mut s) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "workspace"),
        other => panic!("expected InvalidArgument(workspace), got {other:?}"),
    }
}
