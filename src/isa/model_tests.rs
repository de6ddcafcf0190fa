//! Unit tests of the loop finder and the cost model on small hand-written assembly. Every expected number is worked
//! out by hand in the comments from the rules in the module docs, not read from the code under test.

use super::*;
use crate::isa::{disasm, loops};

/// objdump-style text for function `k`: one instruction per line at 0x1000 + 4·i; `@N` in a branch's operands
/// becomes a target annotation for instruction N.
fn asm(lines: &[&str]) -> String {
    let mut t = String::from("0000000000001000 <k>:\n");
    for (i, l) in lines.iter().enumerate() {
        let addr = 0x1000 + 4 * i as u64;
        let (code, target) = match l.split_once('@') {
            Some((c, n)) => (c.trim().to_string(), Some(n.trim().parse::<u64>().unwrap())),
            None => (l.to_string(), None),
        };
        let ann = target.map_or(String::new(), |n| format!(" <k+0x{:x}>", 4 * n));
        t.push_str(&format!("\t{code:<56}// {addr:012X}: 00000000{ann}\n"));
    }
    t
}

fn insns(lines: &[&str]) -> Vec<loops::Insn> {
    disasm::parse(&asm(lines)).remove(0).1
}

const MFMA: &str = "v_mfma_f32_16x16x32_bf16 v[0:3], v[4:7], v[8:11], v[0:3]";

#[test]
fn a_rotated_loop_is_found_with_its_test_as_header() {
    // 0-1 entry jumps to the test at 4; body 2-3; test 4-5 branches back to the body; 6 exit.
    let text = [
        "s_mov_b32 s0, 0",
        "s_branch @4",
        MFMA,
        "v_add_f32_e32 v1, v1, v1",
        "s_cmp_lt_i32 s0, s1",
        "s_cbranch_scc1 @2",
        "s_endpgm",
    ];
    let ins = insns(&text);
    let cfg = loops::cfg(&ins);
    // Blocks: [0,1] [2,3] [4,5] [6].
    assert_eq!(
        cfg.blocks.iter().map(|b| (b.first, b.last)).collect::<Vec<_>>(),
        vec![(0, 1), (2, 3), (4, 5), (6, 6)]
    );
    let ls = cfg.loops();
    assert_eq!(ls.len(), 1);
    // The body block is entered only from the test, so the test dominates it: the back edge is body → test.
    assert_eq!(
        (ls[0].header, ls[0].blocks.clone(), ls[0].latches.clone()),
        (2, vec![1, 2], vec![1])
    );
    let p = loops::steady_path(&ins, &cfg, &ls[0], &[], disasm::matrix_flops).unwrap();
    assert_eq!(p.insns, vec![4, 5, 2, 3], "one trip: the test, then the body");
    let f = disasm::analyze(&asm(&text));
    assert_eq!(f[0].main_loop_instructions, Some(4));
}

#[test]
fn the_main_loop_is_the_one_whose_own_blocks_carry_the_mfmas() {
    // Outer loop 1..=9 (back edge 9 → 1) with an MFMA; an inner element loop 3..=5 without one; a far block 7 of
    // the outer loop laid out after the inner loop's exit branch.
    let text = [
        "s_mov_b32 s0, 0",          // 0
        MFMA,                       // 1 outer header
        "s_cbranch_vccz @7",        // 2
        "v_add_f32_e32 v1, v1, v1", // 3 inner header
        "v_add_f32_e32 v1, v1, v1", // 4
        "s_cbranch_scc1 @3",        // 5 inner latch
        "s_branch @8",              // 6
        "v_mul_f32_e32 v1, v1, v1", // 7 far block of the outer loop
        "s_add_i32 s0, s0, 1",      // 8
        "s_cbranch_scc0 @1",        // 9 outer latch
        "s_endpgm",                 // 10
    ];
    let ins = insns(&text);
    let cfg = loops::cfg(&ins);
    let ls = cfg.loops();
    assert_eq!(ls.len(), 2);
    let main = loops::main_loop(&ins, &cfg, &ls, disasm::is_matrix_mnemonic).unwrap();
    // The outer loop: instructions 1..=9, the inner loop's 3 included.
    assert_eq!(cfg.instructions_in(&ls[main].blocks), 9);
    let own = loops::own_blocks(&ls, main);
    assert_eq!(
        cfg.instructions_in(&own),
        6,
        "own blocks exclude the inner loop's 3 instructions"
    );
    // Default steady state: the most MFMA operations (equal on both arms), then the fewest instructions: the far
    // block 7 (1 instruction) beats the inner loop (3 + the jump at 6).
    let p = loops::steady_path(&ins, &cfg, &ls[main], &[], disasm::matrix_flops).unwrap();
    assert_eq!(p.insns, vec![1, 2, 7, 8, 9]);
    // A via rule sends it through the inner loop instead (counted once), an avoid rule likewise.
    for rule in ["via:v_add_f32", "avoid:v_mul_f32"] {
        let r = [loops::PathRule::parse(rule).unwrap()];
        let p = loops::steady_path(&ins, &cfg, &ls[main], &r, disasm::matrix_flops).unwrap();
        assert_eq!(p.insns, vec![1, 2, 3, 4, 5, 6, 8, 9], "{rule}");
        assert_eq!(p.rules_met, vec![true]);
    }
}

#[test]
fn a_flops_rule_skips_a_rare_branch_that_repeats_mfmas() {
    // Header 0-1 with one MFMA; a rare block 2-3 with two more; latch branch 4.
    let text = [MFMA, "s_cbranch_vccz @4", MFMA, MFMA, "s_cbranch_scc1 @0", "s_endpgm"];
    let ins = insns(&text);
    let cfg = loops::cfg(&ins);
    let ls = cfg.loops();
    let f1 = 2 * 16 * 16 * 32; // one 16x16x32 MFMA: 16384 operations
    assert_eq!(disasm::matrix_flops("v_mfma_f32_16x16x32_bf16"), f1);
    let p = loops::steady_path(&ins, &cfg, &ls[0], &[], disasm::matrix_flops).unwrap();
    assert_eq!(p.insns, vec![0, 1, 2, 3, 4], "undeclared: the most MFMA work");
    let r = [loops::PathRule::Flops(f1)];
    let p = loops::steady_path(&ins, &cfg, &ls[0], &r, disasm::matrix_flops).unwrap();
    assert_eq!(p.insns, vec![0, 1, 4]);
    assert!(loops::steady_path(&ins, &cfg, &ls[0], &[loops::PathRule::Flops(5)], disasm::matrix_flops).is_none());
    // via:X*N needs N blocks with X.
    assert_eq!(
        loops::PathRule::parse("via:buffer_load*2"),
        Some(loops::PathRule::Via("buffer_load".into(), 2))
    );
    assert_eq!(loops::PathRule::parse("via:x*0"), None);
    assert_eq!(loops::PathRule::parse("bogus"), None);
    // units:N names the work of a trip and never filters a path.
    assert_eq!(loops::PathRule::parse("units:2"), Some(loops::PathRule::Units(2)));
    assert_eq!(loops::PathRule::parse("units:0"), None);
    let p = loops::steady_path(&ins, &cfg, &ls[0], &[loops::PathRule::Units(2)], disasm::matrix_flops).unwrap();
    assert_eq!(p.insns, vec![0, 1, 2, 3, 4]);
}

#[test]
fn a_loop_unrolled_twice_is_reported_per_unit_of_work() {
    // A trip of two tiles: 2 MFMAs, 6 VALU, 3 transcendentals, 2 LDS waits, one barrier.
    let keys = [
        MFMA.split_whitespace().next().unwrap(),
        MFMA.split_whitespace().next().unwrap(),
        "v_add_f32_e32",
        "v_add_f32_e32",
        "v_add_f32_e32",
        "v_exp_f32_e32",
        "v_exp_f32_e32",
        "v_exp_f32_e32",
        "s_waitcnt lgkmcnt(0)",
        "s_waitcnt lgkmcnt(0)",
        "s_barrier",
    ];
    let trip = cost("gfx950", &keys, &Assumptions::default());
    let unit = trip.clone().per_unit(2);
    assert_eq!((unit.mfma, unit.flops), (1, 2 * 16 * 16 * 32));
    // (valu counts the non-transcendental VALU ops, as in the test above.) 3 adds over 2 units → 1.5, rounded half
    // up to 2; 3 transcendentals → 2; 2 waits → 1; 1 barrier → 0.5 → 1.
    assert_eq!((unit.valu, unit.trans, unit.lgkm_waits, unit.barriers), (2, 2, 1, 1));
    assert_eq!(trip.per_unit(1).valu, 3, "one unit: unchanged");
    // The rule reaches assemble(): the same path with units:2 reports half the MFMA work.
    let r = crate::isa::Resources {
        kernel: "k".into(),
        vgpr_total: 128,
        agprs: 0,
        sgprs: 32,
        lds_bytes: 0,
        dynamic_lds_bytes: None,
        scratch_bytes: 0,
        uses_dynamic_stack: false,
        vgpr_spills: 0,
        sgpr_spills: 0,
        max_block_threads: 256,
        wavefront_size: 64,
        kernarg_bytes: 256,
    };
    let one = assemble("gfx950", &r, None, &keys, vec![], &Assumptions::default());
    let two = assemble(
        "gfx950",
        &r,
        None,
        &keys,
        vec![("units:2".into(), true)],
        &Assumptions::default(),
    );
    assert_eq!(one.cost.mfma, 2);
    assert_eq!(two.cost.mfma, 1);
}

#[test]
fn mfma_cycles_follow_the_pass_counts_per_arch() {
    let c = |arch: &str, k: &str| mfma_cost(arch, k).map(|m| m.cycles);
    assert_eq!(c("gfx942", "v_mfma_f32_16x16x16_bf16"), Some(16));
    assert_eq!(c("gfx942", "v_mfma_f32_16x16x16_f16"), Some(16));
    assert_eq!(c("gfx942", "v_mfma_f32_32x32x8_bf16"), Some(32));
    assert_eq!(c("gfx942", "v_mfma_f32_16x16x32_fp8_bf8"), Some(16));
    assert_eq!(c("gfx942", "v_mfma_i32_16x16x32_i8"), Some(16));
    assert_eq!(c("gfx942", "v_mfma_f32_16x16x32_bf16"), None, "a gfx950 instruction");
    assert_eq!(c("gfx950", "v_mfma_f32_16x16x32_bf16"), Some(16));
    assert_eq!(c("gfx950", "v_mfma_f32_32x32x16_bf16"), Some(32));
    assert_eq!(c("gfx950", "v_mfma_i32_16x16x64_i8"), Some(16));
    assert_eq!(c("gfx950", "v_mfma_f32_16x16x32_fp8_fp8"), Some(16));
    // f8f6f4: 32 cycles with an 8-bit operand (cbsz/blgp 0 = e4m3, 1 = e5m2; absent = 0), 16 for FP6/FP4 only.
    assert_eq!(c("gfx950", "v_mfma_scale_f32_16x16x128_f8f6f4"), Some(32));
    assert_eq!(c("gfx950", "v_mfma_scale_f32_16x16x128_f8f6f4 cbsz:2 blgp:0"), Some(32));
    assert_eq!(c("gfx950", "v_mfma_f32_16x16x128_f8f6f4 cbsz:4 blgp:2"), Some(16));
    assert_eq!(c("gfx950", "v_mfma_scale_f32_32x32x64_f8f6f4"), Some(64));
    assert_eq!(c("gfx1250", "v_mfma_f32_16x16x32_bf16"), None);
    assert_eq!(mfma_cost("gfx950", "v_mfma_f32_16x16x32_bf16").unwrap().flops, 16384);
}

#[test]
fn the_cycle_costs_reproduce_the_published_peaks() {
    // MI355X: 2.5 PF bf16/f16, 5.0 PF FP8 (dense); MI300X: 1307 TF bf16, 2615 TF FP8 (specs/anchors.md).
    let close = |x: f64, want: f64| (x - want).abs() / want < 0.01;
    let p = |arch, k| peak_tflops(arch, k).unwrap();
    assert!(
        close(p("gfx950", "v_mfma_f32_16x16x32_bf16"), 2516.6),
        "{}",
        p("gfx950", "v_mfma_f32_16x16x32_bf16")
    );
    assert!(close(p("gfx950", "v_mfma_f32_32x32x16_f16"), 2516.6));
    assert!(close(p("gfx950", "v_mfma_scale_f32_16x16x128_f8f6f4"), 5033.2));
    assert!(close(p("gfx950", "v_mfma_i32_16x16x64_i8"), 5033.2));
    assert!(close(p("gfx942", "v_mfma_f32_16x16x16_bf16"), 1307.4));
    assert!(close(p("gfx942", "v_mfma_f32_16x16x32_fp8_fp8"), 2614.9));
    // FP4 on MI355X: 10.1 PF.
    assert!(close(
        p("gfx950", "v_mfma_scale_f32_16x16x128_f8f6f4 cbsz:4 blgp:4"),
        10066.3
    ));
}

#[test]
fn counts_bytes_of_lds_global_and_lds_dma() {
    let keys = [
        "ds_read_b128",            // 16 B/lane → 1024
        "ds_read2st64_b64",        // 2 × 8 B → 1024
        "ds_read_b64_tr_b16",      // 8 B → 512
        "ds_write_b16",            // 2 B → 128
        "ds_bpermute_b32",         // 4 B through the crossbar → 256 read
        "buffer_load_dwordx4",     // 1024 global
        "buffer_load_dwordx4 lds", // 1024 global, 1024 LDS write
        "buffer_store_dwordx2",    // 512 stored
        "global_load_ushort",      // 128
        "scratch_load_dword",      // a scratch op, not global traffic
    ];
    let c = cost("gfx950", &keys, &Assumptions::default());
    assert_eq!(c.lds_instructions, 5);
    assert_eq!(c.lds_read_bytes, 1024 + 1024 + 512 + 256);
    assert_eq!(c.lds_write_bytes, 128 + 1024);
    assert_eq!(c.lds_dma_bytes, 1024);
    assert_eq!(c.global_load_bytes, 1024 + 1024 + 128);
    assert_eq!(c.global_store_bytes, 512);
    assert_eq!((c.vmem_instructions, c.scratch_ops), (4, 1));
}

#[test]
fn counts_spill_moves_valu_and_transcendentals() {
    let keys = [
        "v_writelane_b32",
        "v_readlane_b32",
        "v_readfirstlane_b32", // not a spill
        "v_exp_f32_e32",
        "v_rcp_f32_e32",
        "v_add_f32_e32",
        "v_accvgpr_read_b32",
        MFMA.split_whitespace().next().unwrap(),
        "s_add_i32",
        "s_load_dwordx4",
        "s_waitcnt lgkmcnt(0)",
        "s_barrier",
    ];
    let c = cost("gfx950", &keys, &Assumptions::default());
    assert_eq!(c.spill_moves, 2);
    assert_eq!(c.agpr_moves, 1);
    assert_eq!(
        (c.valu, c.trans, c.mfma, c.salu, c.smem, c.barriers),
        (5, 2, 1, 1, 1, 1)
    );
    assert_eq!(c.lgkm_waits, 1);
    // VALU port: 5·4 + 2·16 + 1·4 = 56; with 8-cycle transcendentals 5·4 + 2·8 + 4 = 40.
    assert_eq!((c.valu_port_cycles(16), c.valu_port_cycles(8)), (56, 40));
    let per: u64 = keys.iter().map(|k| valu_port_cycles_of("gfx950", k, 16)).sum();
    assert_eq!(per, 56, "the per-instruction split adds up to the total");
}

#[test]
fn exposed_latency_is_the_stall_of_a_one_wave_timeline() {
    let a = Assumptions::default(); // LDS 64, wide LDS 128, VMEM 500
                                    // Read, 4 VALU (16 cycles after the read's 4), wait: the read is ready at 64, the wait comes at 20 → 44 exposed.
    let keys = [
        "ds_read_b32",
        "v_add_f32",
        "v_add_f32",
        "v_add_f32",
        "v_add_f32",
        "s_waitcnt lgkmcnt(0)",
    ];
    let e = exposed("gfx950", &keys, &a);
    assert_eq!((e.lds, e.global), (44, 0));
    assert_eq!(e.trip_cycles, 64 + 4, "the trip ends 4 cycles after the wait releases");
    assert_eq!(
        trace("gfx950", &keys, &a),
        vec![(0, 0), (4, 0), (8, 0), (12, 0), (16, 0), (20, 44)]
    );
    // lgkmcnt(1) waits only for the older of two reads: the younger stays in flight, nothing else is awaited. The
    // older read issued at 0 (ready 64), the wait at 8 → 56.
    let e = exposed("gfx950", &["ds_read_b32", "ds_read_b32", "s_waitcnt lgkmcnt(1)"], &a);
    // Trips repeat: each trip's wait also lets the previous trip's younger read go; 56 holds per trip once the
    // previous younger read is done by then (issued 4 cycles after the older one).
    assert_eq!(e.lds, 56);
    // A wide read (b128) is assumed at 128: 128 − 4 = 124.
    assert_eq!(
        exposed("gfx950", &["ds_read_b128", "s_waitcnt lgkmcnt(0)"], &a).lds,
        124
    );
    // Prefetch one trip ahead: the wait at the top of the trip awaits the load of the previous trip, issued
    // 4 + 10·4 = 44 cycles before it → 500 − 44 = 456.
    let mut keys = vec!["s_waitcnt vmcnt(0)", "buffer_load_dword"];
    keys.extend(std::iter::repeat("v_add_f32").take(10));
    assert_eq!(exposed("gfx950", &keys, &a).global, 456);
    // A wait with no counter argument on the other counter leaves it alone.
    assert_eq!(
        exposed("gfx950", &["buffer_load_dword", "s_waitcnt lgkmcnt(0)"], &a).global,
        0
    );
}

#[test]
fn valu_work_runs_in_the_shadow_of_the_mfma() {
    let a = Assumptions::default();
    let m = MFMA.split_whitespace().next().unwrap();
    // MFMA (16 cycles) then 2 VALU (8): the next trip's MFMA waits for the matrix core → 16 per trip.
    assert_eq!(exposed("gfx950", &[m, "v_add_f32", "v_add_f32"], &a).trip_cycles, 16);
    // 5 VALU (20) after the MFMA's 4-cycle issue: 24 per trip.
    assert_eq!(
        exposed("gfx950", &[m, "v_a", "v_a", "v_a", "v_a", "v_a"], &a).trip_cycles,
        24
    );
}

#[test]
fn bounds_follow_their_definitions() {
    // 64 MFMAs of 16 cycles and 100 VALU ops per wave, 2 waves per SIMD on gfx950:
    // MFMA 2·1024 = 2048; VALU port 2·(100·4 + 64·4) = 1312 → optimistic 1.0, pessimistic 2048 / 3360.
    let m = MFMA.split_whitespace().next().unwrap();
    let mut keys: Vec<&str> = std::iter::repeat(m).take(64).collect();
    keys.extend(std::iter::repeat("v_add_f32").take(100));
    let c = cost("gfx950", &keys, &Assumptions::default());
    let b = bounds("gfx950", &c, 2, 16).unwrap();
    assert_eq!((b.mfma, b.valu_port), (2048.0, 1312.0));
    assert_eq!(b.optimistic, Some(1.0));
    assert!((b.pessimistic.unwrap() - 2048.0 / 3360.0).abs() < 1e-12);
    assert_eq!(b.binding, "mfma");
    // 600 VALU: port 2·(2400 + 256) = 5312 binds; optimistic 2048/5312.
    keys.extend(std::iter::repeat("v_add_f32").take(500));
    let b = bounds("gfx950", &cost("gfx950", &keys, &Assumptions::default()), 2, 16).unwrap();
    assert_eq!(b.binding, "valu");
    assert!((b.optimistic.unwrap() - 2048.0 / 5312.0).abs() < 1e-12);
    // LDS: 2 waves × 4 SIMDs × 16 KiB per wave at 256 B/clk (gfx950) = 512 cycles; at 128 B/clk (gfx942) 1024.
    let lds: Vec<&str> = std::iter::repeat("ds_read_b128").take(16).collect();
    let c = cost("gfx950", &lds, &Assumptions::default());
    assert_eq!(bounds("gfx950", &c, 2, 16).unwrap().lds, 512.0);
    assert_eq!(bounds("gfx942", &c, 2, 16).unwrap().lds, 1024.0);
    assert_eq!(
        bounds("gfx950", &c, 2, 16).unwrap().optimistic,
        None,
        "no MFMA work: no fraction of peak"
    );
    // HBM share: only global bytes → 1.
    let c = cost("gfx950", &["buffer_load_dwordx4"], &Assumptions::default());
    assert_eq!(bounds("gfx950", &c, 2, 16).unwrap().hbm_share, 1.0);
}

#[test]
fn model_keys_keep_the_operands_that_change_the_cost() {
    let i = insns(&[
        "s_waitcnt vmcnt(2) lgkmcnt(1)",
        "s_nop 3",
        "v_mfma_scale_f32_16x16x128_f8f6f4 v[0:3], v[4:11], v[12:19], v[0:3], v20, v21 op_sel_hi:[0,0,0] cbsz:4 blgp:4",
        "v_add_f32_e32 v1, v2, v3",
        "buffer_load_dwordx4 v1, s[0:3], 0 offen lds",
    ]);
    let keys: Vec<String> = i.iter().map(disasm::model_key).collect();
    assert_eq!(
        keys,
        vec![
            "s_waitcnt vmcnt(2) lgkmcnt(1)",
            "s_nop 3",
            "v_mfma_scale_f32_16x16x128_f8f6f4 cbsz:4 blgp:4",
            "v_add_f32_e32",
            "buffer_load_dwordx4 lds"
        ]
    );
    let c = cost("gfx950", &keys, &Assumptions::default());
    assert_eq!(
        (c.vm_waits, c.lgkm_waits, c.mfma_cycles, c.lds_dma_bytes),
        (1, 1, 16, 1024)
    );
}

#[test]
fn gates_parse_hold_and_name_what_fails() {
    assert!(Gate::parse("opt >= 0.9").unwrap().holds(0.9));
    assert!(!Gate::parse("exposed_lds == 0").unwrap().holds(4.0));
    assert!(Gate::parse("spill_moves < 1").unwrap().holds(0.0));
    assert!(Gate::parse("bogus == 0").unwrap_err().contains("unknown metric"));
    assert!(Gate::parse("opt => 1").unwrap_err().contains("unknown operator"));
    assert!(Gate::parse("opt >= x").unwrap_err().contains("not a number"));
    assert!(Gate::parse("opt>=1").unwrap_err().contains("metric op number"));
    let m = KernelModel {
        kernel: "k".into(),
        arch: "gfx950".into(),
        waves_per_simd: 2,
        loop_instructions: Some((10, 2)),
        path: (10, 2),
        rules: vec![("via:ds_read_b128".into(), false)],
        cost: LoopCost {
            spill_moves: 3,
            ..Default::default()
        },
        bounds16: None,
        bounds8: None,
        scratch_bytes: 0,
        path_keys: Vec::new(),
    };
    let v = gate_violations(
        &m,
        &[
            ("gfx950", "spill_moves == 0"),
            ("all", "scratch == 0"),
            ("gfx942", "spill_moves == 9"),
            ("gfx950", "opt >= 0.5"),
        ],
    );
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(v[0].contains("HF_MODEL_PATH") && v[0].contains("via:ds_read_b128"));
    assert!(v[1].contains("spill_moves is 3"));
    assert!(v[2].contains("does not apply"));
}

#[test]
fn hand_written_assembly_labels_stay_inside_their_kernel() {
    // aiter-style: local label symbols are printed as headers, and branches name the label as their operand.
    let text = "\
0000000000001000 <k>:
\ts_mov_b32 s0, 0                                          // 000000001000: 00000000
0000000000001004 <label_0001>:
\tv_mfma_f32_16x16x32_bf16 v[0:3], v[4:7], v[8:11], v[0:3] // 000000001004: 00000000 00000000
\ts_cbranch_scc0 label_0001                                // 00000000100C: BF840000
\ts_branch 1                                               // 000000001010: BF820000 <label_0001+0x10>
\ts_endpgm                                                 // 000000001014: 00000000
";
    // Every header a function: the label cuts the kernel after one instruction (what `parse` does for our own
    // clang-built code objects, which have no local symbols).
    assert_eq!(disasm::parse(text).len(), 2);
    let fs = disasm::parse_functions(text, &|n| n == "k");
    assert_eq!(fs.len(), 1);
    let (name, ins) = &fs[0];
    assert_eq!((name.as_str(), ins.len()), ("k", 5));
    assert_eq!(ins[2].target, Some(0x1004), "operand label resolved");
    assert_eq!(ins[3].target, Some(0x1014), "annotated label plus offset resolved");
    let cfg = loops::cfg(ins);
    let ls = cfg.loops();
    assert_eq!(ls.len(), 1);
    let main = loops::main_loop(ins, &cfg, &ls, disasm::is_matrix_mnemonic).unwrap();
    assert_eq!(cfg.instructions_in(&ls[main].blocks), 2, "the MFMA and its back branch");
}

#[test]
fn the_arch_comes_from_the_elf_flags_when_the_metadata_has_none() {
    let with_flags = |f: u32| {
        let mut h = vec![0u8; 64];
        h[0x30..0x34].copy_from_slice(&f.to_le_bytes());
        h
    };
    // EF_AMDGPU_MACH in the low byte (LLVM ELF.h): 0x4c gfx942, 0x4f gfx950; feature bits above it.
    assert_eq!(crate::isa::elf::arch_from_flags(&with_flags(0x54c)), Some("gfx942"));
    assert_eq!(crate::isa::elf::arch_from_flags(&with_flags(0x54f)), Some("gfx950"));
    assert_eq!(crate::isa::elf::arch_from_flags(&with_flags(0x30)), None);
    assert_eq!(crate::isa::elf::arch_from_flags(&[0u8; 8]), None, "too short");
}
