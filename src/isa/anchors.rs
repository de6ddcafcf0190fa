//! The anchors: this model's figures for the fastest public kernels, printed beside ours.
//!
//! [`ANCHORS`] was measured with `hipforge model FILE.co` (this crate's model, the default assumptions) on code
//! objects that are **not** in this repository and that no test or CI step fetches or builds:
//! aiter's shipped assembly kernels (ROCm/aiter at e4048607a535ace3a2b51ded31b1c8c2d45c0879, `hsa/gfx950/…` and
//! `hsa/gfx942/…`), and HipKittens kernels (HazyResearch/HipKittens at f09e9685c4c6aaa41fb3ebd4fe4ca664938589e1)
//! built locally with clang-22 for gfx950 against ROCm 6.3-era HIP headers with stubs for what is not installed
//! (docs/model.md). Figures are per unit of work (a 64-key tile of attention per wave, a K step of 64 bf16 elements
//! of a 256×256 output tile) and per SIMD at the kernel's own modeled occupancy: a trip covering two or four units
//! is divided accordingly. **Modeled**; "measured" fractions are the kernels' published MI355X results
//! (specs/anchors.md). [`ISSUE_11`] keeps the independent analysis the project started from.

/// One anchor row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// What the kernel is, and its unit of work.
    pub kernel: &'static str,
    /// `"gfx942"` or `"gfx950"`.
    pub arch: &'static str,
    /// Which of our kernels it is the anchor for (`hipforge model` prints it beside them).
    pub ours: &'static str,
    /// VALU-port cycles per unit per SIMD (W = 2).
    pub valu_clk: u32,
    /// `s_waitcnt lgkmcnt` per unit, as a text (`"2–4"`).
    pub lds_waits: &'static str,
    /// Exposed LDS / global cycles per unit per wave.
    pub exposed: (u32, u32),
    /// Optimistic / pessimistic bounds (fractions of peak).
    pub bounds: (f64, f64),
    /// A measured fraction of peak, when published.
    pub measured: Option<f64>,
}

/// The anchors, measured with this model (module docs for provenance).
pub const ANCHORS: &[Anchor] = &[
    Anchor {
        kernel: "aiter fmha_v3 hd128 bf16 (per 64-key tile)",
        arch: "gfx950",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 2528,
        lds_waits: "2",
        exposed: (208, 0),
        bounds: (0.81, 0.45),
        measured: Some(0.56),
    },
    Anchor {
        kernel: "HipKittens attend_ker<128> (per 64-key tile)",
        arch: "gfx950",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 2108,
        lds_waits: "2",
        exposed: (248, 0),
        bounds: (0.97, 0.49),
        measured: Some(0.53),
    },
    Anchor {
        kernel: "aiter fmha_v3 hd128 bf16 rtne (per 64-key tile)",
        arch: "gfx942",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 4736,
        lds_waits: "8",
        exposed: (308, 0),
        bounds: (0.86, 0.46),
        measured: None,
    },
    Anchor {
        kernel: "aiter bf16gemm_bf16_tn_256x256 (per K step, W=1)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 512,
        lds_waits: "2",
        exposed: (0, 0),
        bounds: (1.0, 0.80),
        measured: None,
    },
    Anchor {
        kernel: "HipKittens GEMM bf16 256x256 with16x32 (per K step)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 512,
        lds_waits: "4",
        exposed: (260, 0),
        bounds: (1.0, 0.80),
        measured: Some(0.64),
    },
    Anchor {
        kernel: "HipKittens GEMM bf16 256x256 with32x16 (per K step)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 464,
        lds_waits: "3",
        exposed: (180, 0),
        bounds: (1.0, 0.82),
        measured: None,
    },
];

/// The anchor table of issue 11: an independent static analysis of main at c46781d, per unit per SIMD at W = 2
/// (4 cycles per VALU op, 16 per transcendental, MFMA issue on the VALU port), kept for the record.
pub const ISSUE_11: &[Anchor] = &[
    Anchor {
        kernel: "aiter fmha_v3 hd128 bf16 (64-key tile)",
        arch: "gfx950",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 2544,
        lds_waits: "2",
        exposed: (88, 0),
        bounds: (0.81, 0.45),
        measured: Some(0.56),
    },
    Anchor {
        kernel: "HipKittens attn fwd d128 (64-key tile)",
        arch: "gfx950",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 2124,
        lds_waits: "2",
        exposed: (128, 0),
        bounds: (0.96, 0.49),
        measured: Some(0.53),
    },
    Anchor {
        kernel: "aiter fmha_v3 hd128 bf16 RNE (64-key tile)",
        arch: "gfx942",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 4736,
        lds_waits: "2",
        exposed: (204, 0),
        bounds: (0.86, 0.46),
        measured: None,
    },
    Anchor {
        kernel: "HipKittens GEMM bf16 256x256 (K step)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 512,
        lds_waits: "2-4",
        exposed: (80, 0),
        bounds: (1.0, 0.80),
        measured: Some(0.64),
    },
    Anchor {
        kernel: "aiter bf16gemm 256x256 (K step)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 512,
        lds_waits: "2-4",
        exposed: (0, 0),
        bounds: (1.0, 0.80),
        measured: None,
    },
];

/// The same analysis' figures for our kernels at c46781d, for the record (issue 11); `hipforge model` recomputes
/// ours from the code objects of this build.
pub const OURS_AT_C46781D: &[Anchor] = &[
    Anchor {
        kernel: "ours attn fwd d128 bf16 (64-key tile)",
        arch: "gfx950",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 5096,
        lds_waits: "32",
        exposed: (1784, 1172),
        bounds: (0.40, 0.29),
        measured: None,
    },
    Anchor {
        kernel: "ours attn fwd d128 bf16 (64-key tile)",
        arch: "gfx942",
        ours: "hf_attn_fwd_bf16_d128",
        valu_clk: 5904,
        lds_waits: "32",
        exposed: (1908, 988),
        bounds: (0.69, 0.41),
        measured: None,
    },
    Anchor {
        kernel: "ours GEMM bf16 256x256 (K step)",
        arch: "gfx950",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 944,
        lds_waits: "22",
        exposed: (1108, 480),
        bounds: (1.0, 0.68),
        measured: None,
    },
    Anchor {
        kernel: "ours GEMM fp8 256x256 (K step)",
        arch: "gfx950",
        ours: "hf_gemm_fp8_fp8_256x256",
        valu_clk: 640,
        lds_waits: "8",
        exposed: (512, 480),
        bounds: (1.0, 0.76),
        measured: None,
    },
    Anchor {
        kernel: "ours GEMM bf16 256x256 (K step)",
        arch: "gfx942",
        ours: "hf_gemm_bf16_bf16_256x256",
        valu_clk: 1328,
        lds_waits: "-",
        exposed: (580, 492),
        bounds: (1.0, 0.76),
        measured: None,
    },
];
