//! The anchors: the same model's figures for the fastest public kernels, to print beside ours.
//!
//! These figures were **not** computed by this crate's tests (no third-party code object is committed or fetched
//! by them). They come from an independent static analysis of main at c46781d (issue 11 of this project, filed
//! 2026-12): aiter's shipped assembly kernels (`hsa/gfx950|gfx942/…` in ROCm/aiter) and HipKittens kernels built
//! from source with clang-22, per unit of work (a 64-key tile of attention, a K step of GEMM) and per SIMD with
//! W = 2 waves, 4 cycles per VALU op, 16 per transcendental, MFMA issue on the VALU port; **modeled**. "Measured"
//! fractions are the kernels' published MI355X results (specs/anchors.md). `hipforge model FILE.co` recomputes the
//! figures for any code object with this crate's model, whose latency assumptions may differ from that analysis'
//! (docs/model.md).

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

/// The anchor table of issue 11 (module docs for provenance).
pub const ANCHORS: &[Anchor] = &[
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
