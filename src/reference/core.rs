//! The one f64 matrix-multiply core every reference operation runs on.
//!
//! # Why the `gemm` crate
//!
//! The reference must validate real GPU outputs (an 8192³ GEMM on an MI node's host) in seconds, so its core has
//! to run at BLAS speed, and it must be f64 so the reference's own rounding is negligible next to any GPU error
//! bound. A naive triple loop is orders of magnitude slower; a hand-written blocked kernel is a project of its own. The
//! `gemm` crate (pure Rust, no system BLAS to install, packs and blocks like BLIS with AVX2/AVX-512/NEON
//! micro-kernels, and threads through rayon) reaches OpenBLAS-class DGEMM throughput (on the 2-core dev machine,
//! under load, it did ~30 GFLOP per CPU-second against numpy/OpenBLAS's ~33 in the same minutes), so we use it and keep
//! everything else here (dequantization, scaling, epilogues, masks, softmax) in plain readable Rust.
//!
//! Parallelism is set to all available cores (`std::thread::available_parallelism`): the reference is usually
//! the only heavy work running when it is called, and a single-threaded core would halve throughput on the
//! 2-core CI machine.

use gemm::Parallelism;

/// A read-only strided view of an f64 matrix: element `(r, c)` at `data[r·row_stride + c·col_stride]`.
#[derive(Clone, Copy)]
pub(crate) struct MatRef<'a, T = f64> {
    pub data: &'a [T],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a, T> MatRef<'a, T> {
    /// A packed row-major `rows×cols` view.
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Self {
        MatRef {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose (no copy).
    pub fn t(self) -> Self {
        MatRef {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    /// Whether every element lies inside `data`.
    fn in_bounds(&self) -> bool {
        if self.rows == 0 || self.cols == 0 {
            return true;
        }
        let last = (self.rows - 1)
            .checked_mul(self.row_stride)
            .and_then(|x| x.checked_add((self.cols - 1).checked_mul(self.col_stride)?));
        matches!(last, Some(l) if l < self.data.len())
    }
}

/// The number of threads the core uses: every core the OS gives us.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// `out = a · b`, with `out` packed row-major `a.rows × b.cols`, in f64 (values) or f32 (only for magnitude
/// bounds, see the GEMM reference). Threads over all cores when `parallel`.
///
/// Panics (an internal bug, never reachable from validated public input) when shapes disagree or a view
/// reaches outside its slice: the unsafe call below relies on both.
pub(crate) fn matmul<T: Float>(a: MatRef<'_, T>, b: MatRef<'_, T>, out: &mut [T], parallel: bool) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(b.rows, k, "inner dimensions differ");
    assert!(out.len() >= m * n, "output too small");
    assert!(a.in_bounds() && b.in_bounds(), "matrix view out of bounds");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        out[..m * n].fill(T::ZERO);
        return;
    }
    let parallelism = if parallel && threads() > 1 {
        Parallelism::Rayon(threads())
    } else {
        Parallelism::None
    };
    // SAFETY: all three views were checked to lie inside their slices; `out` is exclusively borrowed and does not
    // alias `a` or `b` (distinct borrows); read_dst = false, so `out`'s old contents are never read.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            false,
            a.data.as_ptr(),
            a.col_stride as isize,
            a.row_stride as isize,
            b.data.as_ptr(),
            b.col_stride as isize,
            b.row_stride as isize,
            T::ZERO,
            T::ONE,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// The element types the core multiplies (the `gemm` crate dispatches on the type).
pub(crate) trait Float: Copy + Send + Sync + 'static {
    const ZERO: Self;
    const ONE: Self;
}
impl Float for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}
impl Float for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}

/// Below this many elements, element-wise passes run on the calling thread (spawning costs more).
const PAR_MIN_ELEMENTS: usize = 1 << 16;

/// Calls `f(row, a_row, b_row)` for every row of two equally shaped row-major buffers with `row_len` columns,
/// rows split over all cores. (Element-wise passes — dequantization, epilogues — would otherwise run on one core
/// while the GEMM core uses all of them.)
pub(crate) fn par_rows2<T: Send, U: Send>(
    a: &mut [T],
    b: &mut [U],
    row_len: usize,
    f: impl Fn(usize, &mut [T], &mut [U]) + Sync,
) {
    let rows = a.len().checked_div(row_len).unwrap_or(0);
    assert_eq!(b.len(), a.len(), "buffers differ in length");
    if rows == 0 {
        return;
    }
    let t = threads();
    if t == 1 || a.len() < PAR_MIN_ELEMENTS {
        for (r, (x, y)) in a.chunks_mut(row_len).zip(b.chunks_mut(row_len)).enumerate() {
            f(r, x, y);
        }
        return;
    }
    let per = rows.div_ceil(t);
    let f = &f;
    std::thread::scope(|scope| {
        for (c, (xa, xb)) in a.chunks_mut(per * row_len).zip(b.chunks_mut(per * row_len)).enumerate() {
            scope.spawn(move || {
                for (r, (x, y)) in xa.chunks_mut(row_len).zip(xb.chunks_mut(row_len)).enumerate() {
                    f(c * per + r, x, y);
                }
            });
        }
    });
}

/// [`par_rows2`] for one buffer.
pub(crate) fn par_rows<T: Send>(a: &mut [T], row_len: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    let mut unit = vec![(); a.len()];
    par_rows2(a, &mut unit, row_len, |r, x, _| f(r, x));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_by_two_by_hand() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0];
        let mut out = [0.0; 4];
        matmul(MatRef::row_major(&a, 2, 2), MatRef::row_major(&b, 2, 2), &mut out, true);
        assert_eq!(out, [19.0, 22.0, 43.0, 50.0]);
        // Aᵀ·B = [1 3; 2 4]·[5 6; 7 8] = [26 30; 38 44]
        matmul(
            MatRef::row_major(&a, 2, 2).t(),
            MatRef::row_major(&b, 2, 2),
            &mut out,
            false,
        );
        assert_eq!(out, [26.0, 30.0, 38.0, 44.0]);
    }
}
