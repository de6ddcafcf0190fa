//! [`AttentionSpec`]: the one description of an attention-forward problem shared by the CPU reference, the GPU
//! kernels and the verifier.
//!
//! # What is computed
//!
//! For every sequence `b`, query head `h`, query row `i < sq` (the sequence's query length) and key `j < sk`:
//!
//! ```text
//! s[i,j] = scale · (dq·Q[i]) · (dk·K[j])                 (dq, dk, dv: FP8 per-tensor descales, 1 otherwise)
//! s[i,j] = softcap · tanh(s[i,j] / softcap)             (only with a softcap)
//! s[i,j] = −∞ where the mask hides key j from query i
//! O[i]   = Σ_j softmax_j(s[i,·]) · (dv·V[j])            LSE[i] = ln Σ_j exp(s[i,j])
//! ```
//!
//! Query head `h` reads key/value head `h / (heads_q / heads_kv)` (GQA; MQA when `heads_kv == 1`).
//!
//! **Masks** are aligned to the bottom-right corner, as FlashAttention does: with `off = sk − sq`, query `i` sees key
//! `j` iff `j ≤ i + off` (causal) and `i + off − left ≤ j ≤ i + off + right` (window; an unbounded side is
//! `None`). Both may be combined (causal with a left window is local attention).
//!
//! **A fully masked row** (no visible key, e.g. `sk == 0`, or a causal row above the diagonal when `sq > sk`)
//! outputs **zeros** and **LSE = −∞**, never NaN.
//!
//! # Memory layout
//!
//! Q, K, V and O are 4-D `[batch, seq, head, dim]` tensors described by [`Strides`] (elements; `dim` is contiguous).
//! The default is BSHD, packed; BHSD (or anything else) is a matter of strides. LSE is `f32`, packed
//! `[batch, heads_q, seqlen_q]` (or `[heads_q, total_q]` with varlen), as FlashAttention returns it.
//!
//! **Varlen** ([`Varlen`]): sequences of different lengths packed back to back along the token axis; sequence `b`
//! owns tokens `cu_seqlens[b] .. cu_seqlens[b+1]`. `batch` is then the number of sequences, `seqlen_q`/`seqlen_k`
//! the longest ones, and the batch strides are unused (token `t` of sequence `b` is at `(cu[b] + t)·seq`).

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::gemm::spec::is_fp8;

/// Element strides of a `[batch, seq, head, dim]` tensor (`dim` has stride 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Strides {
    /// Between batches (unused with varlen).
    pub batch: usize,
    /// Between tokens.
    pub seq: usize,
    /// Between heads.
    pub head: usize,
}

impl Strides {
    /// Packed BSHD: `[batch][seq][head][dim]`.
    pub fn bshd(seqlen: usize, heads: usize, head_dim: usize) -> Self {
        Strides {
            batch: seqlen * heads * head_dim,
            seq: heads * head_dim,
            head: head_dim,
        }
    }

    /// Packed BHSD: `[batch][head][seq][dim]`.
    pub fn bhsd(seqlen: usize, heads: usize, head_dim: usize) -> Self {
        Strides {
            batch: seqlen * heads * head_dim,
            seq: head_dim,
            head: seqlen * head_dim,
        }
    }

    /// Offset of `(batch, token, head, dim)`.
    #[inline]
    pub fn offset(&self, b: usize, t: usize, h: usize, x: usize) -> usize {
        b * self.batch + t * self.seq + h * self.head + x
    }
}

/// Variable-length sequences: prefix sums of the query and key lengths (`len = batch + 1`, starting at 0,
/// non-decreasing). Zero-length sequences are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Varlen {
    /// `cu_seqlens_q[b]..cu_seqlens_q[b+1]` are sequence `b`'s query tokens.
    pub cu_seqlens_q: Vec<u32>,
    /// `cu_seqlens_k[b]..cu_seqlens_k[b+1]` are sequence `b`'s key/value tokens.
    pub cu_seqlens_k: Vec<u32>,
}

/// A sliding window around the (bottom-right aligned) diagonal; `None` on a side means unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Window {
    /// Keys visible before the diagonal.
    pub left: Option<usize>,
    /// Keys visible after the diagonal.
    pub right: Option<usize>,
}

/// A complete attention-forward problem. See the module docs for the formula and the masks.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionSpec {
    /// Sequences (with varlen: `cu_seqlens.len() − 1`).
    pub batch: usize,
    /// Query length (with varlen: the longest query sequence).
    pub seqlen_q: usize,
    /// Key/value length (with varlen: the longest key sequence).
    pub seqlen_k: usize,
    /// Query (and output) heads; a multiple of `heads_kv`.
    pub heads_q: usize,
    /// Key/value heads.
    pub heads_kv: usize,
    /// Head dimension of Q, K, V and O.
    pub head_dim: usize,
    /// Element type of Q, K and V: bf16, f16 or one FP8 type.
    pub dtype: DType,
    /// Element type of O: bf16, f16 or f32.
    pub out_dtype: DType,
    /// Layout of Q.
    pub q_strides: Strides,
    /// Layout of K.
    pub k_strides: Strides,
    /// Layout of V.
    pub v_strides: Strides,
    /// Layout of O.
    pub o_strides: Strides,
    /// Multiplies Q·Kᵀ (default `1/√head_dim`).
    pub softmax_scale: f32,
    /// Causal mask (bottom-right aligned).
    pub causal: bool,
    /// Sliding window (default unbounded on both sides).
    pub window: Window,
    /// `Some(c)`: scores become `c·tanh(s/c)` (c > 0).
    pub softcap: Option<f32>,
    /// Whether the LSE (f32) is written.
    pub return_lse: bool,
    /// Per-tensor dequantization scale of Q (FP8 only; 1 otherwise).
    pub descale_q: f32,
    /// Per-tensor dequantization scale of K (FP8 only; 1 otherwise).
    pub descale_k: f32,
    /// Per-tensor dequantization scale of V (FP8 only; 1 otherwise).
    pub descale_v: f32,
    /// Variable-length packed sequences, or `None` for a dense batch.
    pub varlen: Option<Varlen>,
}

impl AttentionSpec {
    /// A dense BSHD problem with `heads_q == heads_kv`, softmax scale `1/√head_dim`, no mask, no softcap, no LSE,
    /// output in the input's dtype (bf16 for FP8 inputs).
    pub fn new(batch: usize, seqlen_q: usize, seqlen_k: usize, heads: usize, head_dim: usize, dtype: DType) -> Self {
        let out_dtype = if is_fp8(dtype) { DType::BF16 } else { dtype };
        AttentionSpec {
            batch,
            seqlen_q,
            seqlen_k,
            heads_q: heads,
            heads_kv: heads,
            head_dim,
            dtype,
            out_dtype,
            q_strides: Strides::bshd(seqlen_q, heads, head_dim),
            k_strides: Strides::bshd(seqlen_k, heads, head_dim),
            v_strides: Strides::bshd(seqlen_k, heads, head_dim),
            o_strides: Strides::bshd(seqlen_q, heads, head_dim),
            softmax_scale: 1.0 / (head_dim.max(1) as f32).sqrt(),
            causal: false,
            window: Window::default(),
            softcap: None,
            return_lse: false,
            descale_q: 1.0,
            descale_k: 1.0,
            descale_v: 1.0,
            varlen: None,
        }
    }

    /// Sets the number of key/value heads (GQA/MQA) and re-packs K and V as BSHD.
    pub fn gqa(mut self, heads_kv: usize) -> Self {
        self.heads_kv = heads_kv;
        self.k_strides = Strides::bshd(self.seqlen_k, heads_kv, self.head_dim);
        self.v_strides = Strides::bshd(self.seqlen_k, heads_kv, self.head_dim);
        self
    }

    /// Re-packs Q, K, V and O as BHSD (`[batch][head][seq][dim]`).
    pub fn bhsd(mut self) -> Self {
        self.q_strides = Strides::bhsd(self.seqlen_q, self.heads_q, self.head_dim);
        self.k_strides = Strides::bhsd(self.seqlen_k, self.heads_kv, self.head_dim);
        self.v_strides = Strides::bhsd(self.seqlen_k, self.heads_kv, self.head_dim);
        self.o_strides = Strides::bhsd(self.seqlen_q, self.heads_q, self.head_dim);
        self
    }

    /// Turns on the causal mask.
    pub fn causal(mut self) -> Self {
        self.causal = true;
        self
    }

    /// Sets a sliding window.
    pub fn window(mut self, left: Option<usize>, right: Option<usize>) -> Self {
        self.window = Window { left, right };
        self
    }

    /// Sets a softcap.
    pub fn softcap(mut self, cap: f32) -> Self {
        self.softcap = Some(cap);
        self
    }

    /// Asks for the LSE output.
    pub fn with_lse(mut self) -> Self {
        self.return_lse = true;
        self
    }

    /// Sets the output dtype.
    pub fn out_dtype(mut self, dtype: DType) -> Self {
        self.out_dtype = dtype;
        self
    }

    /// Sets the FP8 descales of Q, K and V.
    pub fn descales(mut self, q: f32, k: f32, v: f32) -> Self {
        self.descale_q = q;
        self.descale_k = k;
        self.descale_v = v;
        self
    }

    /// Switches to packed variable-length sequences: `batch` becomes `cu_seqlens_q.len() − 1`, `seqlen_q`/`seqlen_k`
    /// the longest sequences, and all four tensors packed `[token][head][dim]`. Invalid prefix sums are reported
    /// by [`AttentionSpec::validate`].
    pub fn varlen(mut self, cu_seqlens_q: Vec<u32>, cu_seqlens_k: Vec<u32>) -> Self {
        let max_len = |cu: &[u32]| {
            cu.windows(2)
                .map(|w| w[1].saturating_sub(w[0]) as usize)
                .max()
                .unwrap_or(0)
        };
        self.batch = cu_seqlens_q.len().saturating_sub(1);
        self.seqlen_q = max_len(&cu_seqlens_q);
        self.seqlen_k = max_len(&cu_seqlens_k);
        let d = self.head_dim;
        self.q_strides = Strides {
            batch: 0,
            seq: self.heads_q * d,
            head: d,
        };
        self.o_strides = self.q_strides;
        self.k_strides = Strides {
            batch: 0,
            seq: self.heads_kv * d,
            head: d,
        };
        self.v_strides = self.k_strides;
        self.varlen = Some(Varlen {
            cu_seqlens_q,
            cu_seqlens_k,
        });
        self
    }

    /// `(query length, key length, first query token, first key token)` of sequence `b`.
    pub fn sequence(&self, b: usize) -> (usize, usize, usize, usize) {
        match &self.varlen {
            Some(v) => {
                let q0 = v.cu_seqlens_q[b] as usize;
                let k0 = v.cu_seqlens_k[b] as usize;
                (
                    v.cu_seqlens_q[b + 1] as usize - q0,
                    v.cu_seqlens_k[b + 1] as usize - k0,
                    q0,
                    k0,
                )
            }
            None => (self.seqlen_q, self.seqlen_k, 0, 0),
        }
    }

    /// Whether query `i` may see key `j` in a sequence of `sq` queries and `sk` keys (bottom-right aligned).
    #[inline]
    pub fn visible(&self, i: usize, j: usize, sq: usize, sk: usize) -> bool {
        // Work in i64: the diagonal `i + sk − sq` may be negative.
        let diag = i as i64 + sk as i64 - sq as i64;
        let j = j as i64;
        if self.causal && j > diag {
            return false;
        }
        if let Some(l) = self.window.left {
            if j < diag - l as i64 {
                return false;
            }
        }
        if let Some(r) = self.window.right {
            if j > diag + r as i64 {
                return false;
            }
        }
        true
    }

    /// The key/value head that query head `h` reads.
    pub fn kv_head(&self, h: usize) -> usize {
        h / (self.heads_q / self.heads_kv)
    }

    /// Total query tokens (`batch·seqlen_q`, or the last `cu_seqlens_q` with varlen).
    pub fn total_q(&self) -> usize {
        match &self.varlen {
            Some(v) => v.cu_seqlens_q.last().copied().unwrap_or(0) as usize,
            None => self.batch.saturating_mul(self.seqlen_q),
        }
    }

    /// Total key tokens (`batch·seqlen_k`, or the last `cu_seqlens_k` with varlen).
    pub fn total_k(&self) -> usize {
        match &self.varlen {
            Some(v) => v.cu_seqlens_k.last().copied().unwrap_or(0) as usize,
            None => self.batch.saturating_mul(self.seqlen_k),
        }
    }

    /// Elements the buffer of a tensor with these strides needs (`usize::MAX` on overflow; validate first).
    fn tensor_len(&self, s: &Strides, seqlen: usize, total: usize, heads: usize) -> Option<usize> {
        let (batches, tokens) = match self.varlen {
            Some(_) => (1, total),
            None => (self.batch, seqlen),
        };
        if batches == 0 || tokens == 0 || heads == 0 || self.head_dim == 0 {
            return Some(0);
        }
        let batch_part = if self.varlen.is_some() {
            0
        } else {
            (batches - 1).checked_mul(s.batch)?
        };
        batch_part
            .checked_add((tokens - 1).checked_mul(s.seq)?)?
            .checked_add((heads - 1).checked_mul(s.head)?)?
            .checked_add(self.head_dim)
    }

    /// Elements the Q buffer needs.
    pub fn q_len(&self) -> usize {
        self.tensor_len(&self.q_strides, self.seqlen_q, self.total_q(), self.heads_q)
            .unwrap_or(usize::MAX)
    }
    /// Elements the K buffer needs.
    pub fn k_len(&self) -> usize {
        self.tensor_len(&self.k_strides, self.seqlen_k, self.total_k(), self.heads_kv)
            .unwrap_or(usize::MAX)
    }
    /// Elements the V buffer needs.
    pub fn v_len(&self) -> usize {
        self.tensor_len(&self.v_strides, self.seqlen_k, self.total_k(), self.heads_kv)
            .unwrap_or(usize::MAX)
    }
    /// Elements the O buffer needs.
    pub fn o_len(&self) -> usize {
        self.tensor_len(&self.o_strides, self.seqlen_q, self.total_q(), self.heads_q)
            .unwrap_or(usize::MAX)
    }
    /// Elements of the LSE buffer (`heads_q · total_q`, or 0 without LSE).
    pub fn lse_len(&self) -> usize {
        if self.return_lse {
            self.heads_q.saturating_mul(self.total_q())
        } else {
            0
        }
    }

    /// Index in the LSE buffer of query row `i` of sequence `b`, head `h`.
    #[inline]
    pub fn lse_index(&self, b: usize, h: usize, i: usize) -> usize {
        match &self.varlen {
            Some(v) => h * self.total_q() + v.cu_seqlens_q[b] as usize + i,
            None => (b * self.heads_q + h) * self.seqlen_q + i,
        }
    }

    /// Copies an O buffer (laid out as `o_strides` say) into packed order — token (sequence by sequence), head,
    /// dim — the order of the reference's output values. Errors when the buffer is shorter than
    /// [`AttentionSpec::o_len`].
    pub fn gather_o<T: Copy>(&self, o: &[T]) -> Result<Vec<T>> {
        self.validate()?;
        if o.len() < self.o_len() {
            return Err(Error::LengthMismatch {
                what: "o".into(),
                expected: self.o_len(),
                got: o.len(),
            });
        }
        let mut out = Vec::with_capacity(self.total_q() * self.heads_q * self.head_dim);
        for b in 0..self.batch {
            let (sq, _, q0, _) = self.sequence(b);
            let bb = if self.varlen.is_some() { 0 } else { b };
            for t in 0..sq {
                for h in 0..self.heads_q {
                    for x in 0..self.head_dim {
                        out.push(o[self.o_strides.offset(bb, q0 + t, h, x)]);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Multiply-adds of Q·Kᵀ and P·V counting only visible (query, key) pairs.
    pub fn macs(&self) -> f64 {
        let mut pairs = 0f64;
        for b in 0..self.batch {
            let (sq, sk, _, _) = self.sequence(b);
            for i in 0..sq {
                pairs += (0..sk).filter(|&j| self.visible(i, j, sq, sk)).count() as f64;
            }
        }
        2.0 * pairs * self.heads_q as f64 * self.head_dim as f64
    }

    /// Checks everything that does not depend on the device: head counts, dtypes, scales, strides and buffer
    /// sizes, prefix sums. The GPU layer adds kernel limits (supported head dims, archs) on top.
    pub fn validate(&self) -> Result<()> {
        if self.heads_q == 0 || self.heads_kv == 0 || self.heads_q % self.heads_kv != 0 {
            return Err(Error::invalid(
                "heads_q",
                format!("a positive multiple of heads_kv = {}", self.heads_kv),
                self.heads_q,
            ));
        }
        if self.head_dim == 0 {
            return Err(Error::invalid("head_dim", "at least 1", 0));
        }
        if !(is_fp8(self.dtype) || matches!(self.dtype, DType::BF16 | DType::F16)) {
            return Err(Error::UnsupportedDType {
                what: "attention Q/K/V".into(),
                dtype: self.dtype.name().into(),
                reason: "Q, K and V are bf16, f16 or FP8".into(),
            });
        }
        if !matches!(self.out_dtype, DType::BF16 | DType::F16 | DType::F32) {
            return Err(Error::UnsupportedDType {
                what: "attention output O".into(),
                dtype: self.out_dtype.name().into(),
                reason: "O is bf16, f16 or f32".into(),
            });
        }
        if !(self.softmax_scale.is_finite() && self.softmax_scale > 0.0) {
            return Err(Error::invalid(
                "softmax_scale",
                "a finite number > 0",
                self.softmax_scale,
            ));
        }
        if let Some(c) = self.softcap {
            if !(c.is_finite() && c > 0.0) {
                return Err(Error::invalid("softcap", "a finite number > 0", c));
            }
        }
        for (name, v) in [
            ("descale_q", self.descale_q),
            ("descale_k", self.descale_k),
            ("descale_v", self.descale_v),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(name, "a finite number > 0", v));
            }
            if v != 1.0 && !is_fp8(self.dtype) {
                return Err(Error::invalid(
                    name,
                    format!("1 (descales apply to FP8 inputs only; Q/K/V are {})", self.dtype),
                    v,
                ));
            }
        }
        if let Some(v) = &self.varlen {
            self.check_varlen(v)?;
        }
        let lens = [
            (
                "q",
                self.tensor_len(&self.q_strides, self.seqlen_q, self.total_q(), self.heads_q),
            ),
            (
                "k",
                self.tensor_len(&self.k_strides, self.seqlen_k, self.total_k(), self.heads_kv),
            ),
            (
                "v",
                self.tensor_len(&self.v_strides, self.seqlen_k, self.total_k(), self.heads_kv),
            ),
            (
                "o",
                self.tensor_len(&self.o_strides, self.seqlen_q, self.total_q(), self.heads_q),
            ),
        ];
        for (name, len) in lens {
            if len.is_none() {
                return Err(Error::Overflow {
                    what: format!("the length of buffer {name}"),
                });
            }
        }
        if self.heads_q.checked_mul(self.total_q()).is_none() {
            return Err(Error::Overflow {
                what: "the length of the LSE buffer".into(),
            });
        }
        self.check_output_disjoint()
    }

    fn check_varlen(&self, v: &Varlen) -> Result<()> {
        for (name, cu, max) in [
            ("cu_seqlens_q", &v.cu_seqlens_q, self.seqlen_q),
            ("cu_seqlens_k", &v.cu_seqlens_k, self.seqlen_k),
        ] {
            if cu.len() != self.batch + 1 {
                return Err(Error::invalid(
                    name,
                    format!("batch + 1 = {} prefix sums", self.batch + 1),
                    format!("{} values", cu.len()),
                ));
            }
            if cu[0] != 0 {
                return Err(Error::invalid(name, "a first value of 0", cu[0]));
            }
            if let Some(b) = cu.windows(2).position(|w| w[1] < w[0]) {
                return Err(Error::invalid(
                    name,
                    "non-decreasing prefix sums",
                    format!("{} then {} at sequence {b}", cu[b], cu[b + 1]),
                ));
            }
            if let Some(b) = cu.windows(2).position(|w| (w[1] - w[0]) as usize > max) {
                return Err(Error::invalid(
                    name,
                    format!("sequences no longer than the spec's max length {max}"),
                    format!("sequence {b} of length {}", cu[b + 1] - cu[b]),
                ));
            }
        }
        Ok(())
    }

    /// O must not have two (token, head, dim) positions at one address: the axes, sorted by stride, must each
    /// step past the whole span of the smaller ones.
    fn check_output_disjoint(&self) -> Result<()> {
        let s = &self.o_strides;
        let (batches, tokens) = match self.varlen {
            Some(_) => (1, self.total_q()),
            None => (self.batch, self.seqlen_q),
        };
        let mut axes = [
            (1usize, self.head_dim),
            (s.head, self.heads_q),
            (s.seq, tokens),
            (s.batch, batches),
        ];
        axes.sort_by_key(|&(stride, _)| stride);
        let mut span = 1usize;
        for (stride, extent) in axes {
            if extent <= 1 {
                continue;
            }
            if stride < span {
                return Err(Error::invalid(
                    "o_strides",
                    "strides under which no two output elements share an address",
                    format!("{s:?} with head_dim {}", self.head_dim),
                ));
            }
            span = span.saturating_add(stride.saturating_mul(extent - 1));
        }
        Ok(())
    }
}

/// One line naming the problem, e.g. `bf16 -> bf16 b2 sq500 sk700 h8/2 d128 causal lse`, for tables, benches and
/// messages.
impl std::fmt::Display for AttentionSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -> {} ", self.dtype, self.out_dtype)?;
        if self.varlen.is_some() {
            write!(
                f,
                "varlen {} seqs (max sq{} sk{})",
                self.batch, self.seqlen_q, self.seqlen_k
            )?;
        } else {
            write!(f, "b{} sq{} sk{}", self.batch, self.seqlen_q, self.seqlen_k)?;
        }
        if self.heads_q == self.heads_kv {
            write!(f, " h{}", self.heads_q)?;
        } else {
            write!(f, " h{}/{}", self.heads_q, self.heads_kv)?;
        }
        write!(f, " d{}", self.head_dim)?;
        if self.causal {
            write!(f, " causal")?;
        }
        if self.window != Window::default() {
            let side = |s: Option<usize>| s.map_or("inf".to_string(), |x| x.to_string());
            write!(f, " window({},{})", side(self.window.left), side(self.window.right))?;
        }
        if let Some(c) = self.softcap {
            write!(f, " softcap {c}")?;
        }
        if self.return_lse {
            write!(f, " lse")?;
        }
        Ok(())
    }
}
