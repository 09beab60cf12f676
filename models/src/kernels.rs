//! The arithmetic of one encoder layer over plain row-major `f32` buffers.
//!
//! Matrix products go to the `gemm` crate (AVX-512 or AVX2 kernels chosen at run time, the same
//! crate candle multiplies with). Everything else is written here so it can be fused and
//! vectorised: candle's generic ops call libm's scalar `erff`/`expf` per element and allocate a
//! tensor per step, which cost more than half the time of a forward pass.
//!
//! `exp` and `erf` are polynomial approximations accurate to a few units in the last place of
//! `f32` (relative error below 3e-7 for `exp`, absolute error below 4e-7 for `erf`, both as
//! tested below); vectors stay within 1.6e-7 of the reference embeddings (`consulta-bench`), and
//! `models/tests/reference.rs` holds them to 1e-5.

use gemm::Parallelism;
use half::f16;
use rayon::prelude::*;

use crate::q4::{Q4_BLOCK, Q4_BLOCK_BYTES, Q4Matrix};

/// Defines `pub(crate) fn $name` over a body compiled three times, for AVX-512, for AVX2 with FMA
/// and for the baseline x86-64 (or any other architecture), and dispatching to the best the CPU
/// has: the loops below vectorise to whatever width they are compiled for.
macro_rules! multiversion {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$doc])*
        pub(crate) fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                fn avx512($($arg: $ty),*) { body($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) { body($($arg),*) }
                if std::arch::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the CPU was just checked to have these instructions.
                    return unsafe { avx512($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: as above.
                    return unsafe { avx2($($arg),*) };
                }
            }
            body($($arg),*)
        }
    };
}

/// Up to this many rows, [`linear`] multiplies row by row instead of calling gemm, which packs
/// the whole weight matrix on every call: for a question of about 15 tokens the packing costs
/// more than the product (measured on one core: 35 ms per question through gemm, 27 ms row by
/// row, 19 ms once the rows were also read from Q4_0).
const FEW_ROWS: usize = 32;

/// `out = input · weightᵀ + bias`, or `out += input · weightᵀ + bias` with `accumulate` (how a
/// residual connection is added for free). `input` is `[rows, inputs]`, `weight` is
/// `[outputs, inputs]` as stored in the model file, `out` is `[rows, outputs]`. `dequantized`
/// is scratch space for the f32 weights, reused from call to call.
pub(crate) fn linear(
    input: &[f32],
    weight: &Q4Matrix,
    bias: &[f32],
    out: &mut [f32],
    accumulate: bool,
    parallelism: Parallelism,
    dequantized: &mut Vec<f32>,
) {
    let outputs = bias.len();
    let inputs = weight.width();
    debug_assert_eq!(weight.rows(), outputs);
    let rows = input.len() / inputs;
    assert_eq!(
        out.len(),
        rows * outputs,
        "linear: output buffer has the wrong size"
    );
    for row in out.chunks_exact_mut(outputs) {
        if accumulate {
            row.iter_mut().zip(bias).for_each(|(value, b)| *value += b);
        } else {
            row.copy_from_slice(bias);
        }
    }
    if rows <= FEW_ROWS {
        few_rows_product(input, weight, out, parallelism);
        return;
    }
    dequantized.resize(outputs * inputs, 0.0);
    weight.dequantize_rows(0, dequantized);
    let weight = dequantized.as_slice();
    // SAFETY: `input` is rows × inputs, `weight` (read transposed) inputs × outputs and `out`
    // rows × outputs, as asserted above, with the strides given.
    unsafe {
        multiply(
            (rows, outputs, inputs),
            Operand::rows_of(out.as_mut_ptr(), outputs),
            Operand::rows_of(input.as_ptr(), inputs),
            Operand::columns_of(weight.as_ptr(), inputs),
            true,
            1.0,
            parallelism,
        );
    }
}

/// Where a matrix operand of [`multiply`] starts and how far apart its rows and its columns are,
/// in values.
#[derive(Clone, Copy)]
struct Operand<P> {
    start: P,
    row_stride: usize,
    column_stride: usize,
}

impl<P> Operand<P> {
    /// A row-major matrix whose rows are `stride` values apart.
    fn rows_of(start: P, stride: usize) -> Self {
        Self {
            start,
            row_stride: stride,
            column_stride: 1,
        }
    }

    /// The transpose of a row-major matrix whose rows are `stride` values apart: its columns are
    /// the stored rows.
    fn columns_of(start: P, stride: usize) -> Self {
        Self {
            start,
            row_stride: 1,
            column_stride: stride,
        }
    }
}

/// `out = scale · lhs · rhs`, or `out += scale · lhs · rhs` with `accumulate`, for an `m × k` by
/// `k × n` product (`dims` is `(m, n, k)`), through gemm.
///
/// # Safety
/// Each operand must cover its extent with its strides: `out` m × n, `lhs` m × k, `rhs` k × n;
/// `out` must not overlap the others.
unsafe fn multiply(
    (m, n, k): (usize, usize, usize),
    out: Operand<*mut f32>,
    lhs: Operand<*const f32>,
    rhs: Operand<*const f32>,
    accumulate: bool,
    scale: f32,
    parallelism: Parallelism,
) {
    let stride = |value: usize| value as isize;
    // SAFETY: the caller vouches for the extents.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.start,
            stride(out.column_stride),
            stride(out.row_stride),
            accumulate,
            lhs.start,
            stride(lhs.column_stride),
            stride(lhs.row_stride),
            rhs.start,
            stride(rhs.column_stride),
            stride(rhs.row_stride),
            if accumulate { 1.0 } else { 0.0 },
            scale,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// Weight rows dequantised at a time by [`few_rows_product`]: enough to amortise the call, few
/// enough to stay in the first-level cache while every input row passes over them.
const ROWS_PER_STEP: usize = 8;

/// `out += input · weightᵀ` for a handful of input rows, as dot products of contiguous rows,
/// dequantising the weights a few rows at a time; the weight rows are split between threads
/// when `parallelism` allows.
fn few_rows_product(input: &[f32], weight: &Q4Matrix, out: &mut [f32], parallelism: Parallelism) {
    let inputs = weight.width();
    let rows = input.len() / inputs;
    let outputs = weight.rows();
    let threads = match parallelism {
        Parallelism::Rayon(n) => n.max(1),
        _ => 1,
    };
    let share = outputs.div_ceil(threads).next_multiple_of(ROWS_PER_STEP);
    let product = |first: usize, count: usize, out: &mut [f32], out_width: usize| {
        let mut dequantized = vec![0.0; ROWS_PER_STEP * inputs];
        for step in (first..first + count).step_by(ROWS_PER_STEP) {
            let take = ROWS_PER_STEP.min(first + count - step);
            let weights = &mut dequantized[..take * inputs];
            weight.dequantize_rows(step, weights);
            dot_rows(input, weights, inputs, out, out_width, step - first);
        }
    };
    if threads == 1 || outputs <= share {
        product(0, outputs, out, outputs);
        return;
    }
    let parts: Vec<(usize, Vec<f32>)> = (0..outputs.div_ceil(share))
        .into_par_iter()
        .map(|part| part * share)
        .map(|first| {
            let count = share.min(outputs - first);
            let mut partial = vec![0.0; rows * count];
            product(first, count, &mut partial, count);
            (first, partial)
        })
        .collect();
    for (first, partial) in parts {
        let width = partial.len() / rows;
        for (row, values) in out
            .chunks_exact_mut(outputs)
            .zip(partial.chunks_exact(width))
        {
            row[first..first + width]
                .iter_mut()
                .zip(values)
                .for_each(|(o, v)| *o += v);
        }
    }
}

multiversion! {
    /// `out[t, column + j] += input[t] · weight[j]` over `inputs`-wide rows, where `out` rows
    /// are `out_width` wide. Four weight rows at a time, so each input value loaded feeds four
    /// independent sums.
    fn dot_rows(
        input: &[f32],
        weight: &[f32],
        inputs: usize,
        out: &mut [f32],
        out_width: usize,
        column: usize
    ) {
        let outputs = weight.len() / inputs;
        let mut quads = weight.chunks_exact(4 * inputs);
        for (quad, first) in (&mut quads).zip((column..).step_by(4)) {
            let (r0, rest) = quad.split_at(inputs);
            let (r1, rest) = rest.split_at(inputs);
            let (r2, r3) = rest.split_at(inputs);
            for (t, x) in input.chunks_exact(inputs).enumerate() {
                let sums = dot4(x, [r0, r1, r2, r3]);
                let at = t * out_width + first;
                out[at..at + 4].iter_mut().zip(sums).for_each(|(o, s)| *o += s);
            }
        }
        let done = column + outputs - quads.remainder().len() / inputs;
        for (j, w) in quads.remainder().chunks_exact(inputs).enumerate() {
            for (t, x) in input.chunks_exact(inputs).enumerate() {
                out[t * out_width + done + j] += dot4(x, [w, w, w, w])[0];
            }
        }
    }
}

multiversion! {
    /// GGML Q4_0 blocks to f32: each block is an f16 scale, then 16 bytes whose low nibbles
    /// are weights 0..16 and high nibbles weights 16..32, each stored as `weight / scale + 8`.
    fn dequantize(blocks: &[u8], out: &mut [f32]) {
        for (block, out) in blocks.chunks_exact(Q4_BLOCK_BYTES).zip(out.chunks_exact_mut(Q4_BLOCK)) {
            let scale = f16::from_le_bytes([block[0], block[1]]).to_f32();
            let (low, high) = out.split_at_mut(Q4_BLOCK / 2);
            for ((byte, low), high) in block[2..].iter().zip(low).zip(high) {
                *low = (i32::from(byte & 0x0f) - 8) as f32 * scale;
                *high = (i32::from(byte >> 4) - 8) as f32 * scale;
            }
        }
    }
}

/// The dot products of `x` with four rows, each kept in sixteen running sums.
#[inline(always)]
fn dot4(x: &[f32], rows: [&[f32]; 4]) -> [f32; 4] {
    let [r0, r1, r2, r3] = rows;
    let (mut a0, mut a1, mut a2, mut a3) = ([0.0f32; 16], [0.0f32; 16], [0.0f32; 16], [0.0f32; 16]);
    let chunks = x
        .chunks_exact(16)
        .zip(r0.chunks_exact(16))
        .zip(r1.chunks_exact(16))
        .zip(r2.chunks_exact(16))
        .zip(r3.chunks_exact(16));
    for ((((xs, w0), w1), w2), w3) in chunks {
        for i in 0..16 {
            a0[i] += xs[i] * w0[i];
            a1[i] += xs[i] * w1[i];
            a2[i] += xs[i] * w2[i];
            a3[i] += xs[i] * w3[i];
        }
    }
    let whole = x.len() / 16 * 16;
    let tail = |row: &[f32]| -> f32 {
        x[whole..]
            .iter()
            .zip(&row[whole..])
            .map(|(a, b)| a * b)
            .sum()
    };
    [
        a0.iter().sum::<f32>() + tail(r0),
        a1.iter().sum::<f32>() + tail(r1),
        a2.iter().sum::<f32>() + tail(r2),
        a3.iter().sum::<f32>() + tail(r3),
    ]
}

/// A strided view of a row-major matrix inside a larger buffer: `rows` rows of `cols` values,
/// `stride` values apart, the first at `offset`. One attention head is such a view of the fused
/// Q/K/V activations.
#[derive(Clone, Copy)]
pub(crate) struct View {
    pub(crate) offset: usize,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) stride: usize,
}

impl View {
    /// Whether a buffer of `len` values holds every value of the view, so that gemm, which reads
    /// through raw pointers, stays inside it.
    fn fits(&self, len: usize) -> bool {
        self.cols <= self.stride
            && (self.rows == 0
                || (self.rows - 1)
                    .checked_mul(self.stride)
                    .and_then(|last_row| last_row.checked_add(self.offset + self.cols))
                    .is_some_and(|end| end <= len))
    }
}

/// `out = scale · a · bᵀ` where `a` is `[m, k]` and `b` is `[n, k]` (views of `a_values` and
/// `b_values`), `out` dense `[m, n]`: the attention scores of one head.
///
/// # Panics
/// When a view does not fit its buffer or the shapes disagree.
pub(crate) fn scores(
    a_values: &[f32],
    a: View,
    b_values: &[f32],
    b: View,
    scale: f32,
    out: &mut [f32],
) {
    let (m, n, k) = (a.rows, b.rows, a.cols);
    assert!(
        a.fits(a_values.len()) && b.fits(b_values.len()) && b.cols == k && out.len() >= m * n,
        "scores: a view does not fit its buffer"
    );
    // SAFETY: both views were checked to lie inside their buffers and `out` to hold m × n values;
    // `out` is a unique borrow, so it overlaps neither input.
    unsafe {
        multiply(
            (m, n, k),
            Operand::rows_of(out.as_mut_ptr(), n),
            Operand::rows_of(a_values.as_ptr().add(a.offset), a.stride),
            Operand::columns_of(b_values.as_ptr().add(b.offset), b.stride),
            false,
            scale,
            Parallelism::None,
        );
    }
}

/// `out = p · v` where `p` is dense `[m, k]` (softmaxed scores), `v` a `[k, n]` view of
/// `v_values` and `out` a `[m, n]` view of `out_values`: one head's slice of the attention
/// context.
///
/// # Panics
/// When a view does not fit its buffer or the shapes disagree.
pub(crate) fn context(p: &[f32], v_values: &[f32], v: View, out_values: &mut [f32], out: View) {
    let (m, n, k) = (out.rows, out.cols, v.rows);
    assert!(
        v.fits(v_values.len()) && out.fits(out_values.len()) && v.cols == n && p.len() >= m * k,
        "context: a view does not fit its buffer"
    );
    // SAFETY: both views were checked to lie inside their buffers and `p` to hold m × k values;
    // `out_values` is a unique borrow, so it overlaps neither input.
    unsafe {
        multiply(
            (m, n, k),
            Operand::rows_of(out_values.as_mut_ptr().add(out.offset), out.stride),
            Operand::rows_of(p.as_ptr(), k),
            Operand::rows_of(v_values.as_ptr().add(v.offset), v.stride),
            false,
            1.0,
            Parallelism::None,
        );
    }
}

multiversion! {
    /// Layer normalisation of each `weight.len()`-wide row in place.
    fn layer_norm(rows: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
        let width = weight.len();
        for row in rows.chunks_exact_mut(width) {
            let mean = sum(row) / width as f32;
            row.iter_mut().for_each(|x| *x -= mean);
            let variance = sum_of_squares(row) / width as f32;
            let inverse = 1.0 / (variance + eps).sqrt();
            for ((x, w), b) in row.iter_mut().zip(weight).zip(bias) {
                *x = *x * inverse * w + b;
            }
        }
    }
}

multiversion! {
    /// Softmax of each `width`-wide row in place.
    fn softmax_rows(rows: &mut [f32], width: usize) {
        for row in rows.chunks_exact_mut(width) {
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            row.iter_mut().for_each(|x| *x = exp(*x - max));
            let inverse = 1.0 / sum(row);
            row.iter_mut().for_each(|x| *x *= inverse);
        }
    }
}

multiversion! {
    /// GELU with the exact error function, `x/2 · (1 + erf(x/√2))`, in place: what BERT and the
    /// reference use (not the tanh approximation).
    fn gelu(values: &mut [f32]) {
        for x in values {
            *x = 0.5 * *x * (1.0 + erf(*x * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

/// Sixteen running sums, so the compiler can keep them in vector registers.
#[inline(always)]
fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 16];
    let chunks = values.chunks_exact(16);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        lanes.iter_mut().zip(chunk).for_each(|(lane, x)| *lane += x);
    }
    lanes.iter().sum::<f32>() + tail
}

#[inline(always)]
fn sum_of_squares(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 16];
    let chunks = values.chunks_exact(16);
    let tail: f32 = chunks.remainder().iter().map(|x| x * x).sum();
    for chunk in chunks {
        lanes
            .iter_mut()
            .zip(chunk)
            .for_each(|(lane, x)| *lane += x * x);
    }
    lanes.iter().sum::<f32>() + tail
}

/// `e^x` for `f32`, branch-free so loops over it vectorise: `2^n · e^r` with `|r| ≤ ln2/2` and
/// the Cephes `expf` polynomial for `e^r`.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    // Adding and subtracting 1.5·2^23 rounds to the nearest integer without a rounding
    // instruction the baseline x86-64 target lacks.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2_E + ROUND) - ROUND;
    let r = x - n * LN2_HIGH - n * LN2_LOW;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let er = p * r * r + r + 1.0;
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    er * scale
}

/// The error function, Abramowitz & Stegun 7.1.26 (absolute error 1.5e-7 in exact arithmetic,
/// below 4e-7 in `f32`), branch-free.
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let mut p = 1.061_405_4;
    p = p * t - 1.453_152;
    p = p * t + 1.421_413_8;
    p = p * t - 0.284_496_74;
    p = p * t + 0.254_829_6;
    let magnitude = 1.0 - p * t * exp(-a * a);
    magnitude.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm_to_a_few_ulps() {
        let mut worst = 0.0f64;
        for i in -8700..=8800 {
            let x = i as f32 / 100.0;
            let want = f64::from(x).exp();
            let got = f64::from(exp(x));
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 3e-7, "worst relative error {worst:e}");
    }

    #[test]
    fn erf_matches_the_series_within_its_bound() {
        // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)), exact enough in f64 for |x| ≤ 3.
        let series = |x: f64| {
            let (mut term, mut total) = (x, x);
            for n in 1..80 {
                term *= -x * x / n as f64;
                total += term / (2 * n + 1) as f64;
            }
            total * 2.0 / std::f64::consts::PI.sqrt()
        };
        for i in -300..=300 {
            let x = i as f32 / 100.0;
            let error = (f64::from(erf(x)) - series(f64::from(x))).abs();
            assert!(error < 4e-7, "erf({x}) off by {error:e}");
        }
        assert_eq!(erf(10.0), 1.0);
        assert_eq!(erf(-10.0), -1.0);
    }

    /// A Q4_0 matrix whose values are `(q - 8) / 2` for the nibbles `q` given by `nibble`.
    fn half_steps(rows: usize, width: usize, nibble: impl Fn(usize, usize) -> u8) -> Q4Matrix {
        let mut blocks = Vec::new();
        for row in 0..rows {
            for block in 0..width / Q4_BLOCK {
                blocks.extend_from_slice(&f16::from_f32(0.5).to_le_bytes());
                for i in 0..Q4_BLOCK / 2 {
                    let column = block * Q4_BLOCK + i;
                    blocks.push(nibble(row, column) | (nibble(row, column + 16) << 4));
                }
            }
        }
        Q4Matrix::new(blocks, width)
    }

    #[test]
    fn linear_multiplies_by_the_transposed_weight_and_adds_bias() {
        let (inputs, outputs) = (64, 13);
        let nibble = |row: usize, column: usize| ((row * 7 + column * 3) % 16) as u8;
        let weight = half_steps(outputs, inputs, nibble);
        let bias: Vec<f32> = (0..outputs).map(|j| j as f32).collect();
        // Few rows (row by row) and many rows (gemm), on one thread and on two.
        for rows in [3, 40] {
            let input: Vec<f32> = (0..rows * inputs)
                .map(|i| ((i % 11) as f32 - 5.0) / 4.0)
                .collect();
            let expected: Vec<f32> = (0..rows * outputs)
                .map(|at| {
                    let (t, j) = (at / outputs, at % outputs);
                    let dot: f64 = (0..inputs)
                        .map(|k| {
                            let w = (f64::from(nibble(j, k)) - 8.0) / 2.0;
                            f64::from(input[t * inputs + k]) * w
                        })
                        .sum();
                    (dot + j as f64) as f32
                })
                .collect();
            for parallelism in [Parallelism::None, Parallelism::Rayon(2)] {
                let mut out = vec![0.0; rows * outputs];
                let mut scratch = Vec::new();
                linear(
                    &input,
                    &weight,
                    &bias,
                    &mut out,
                    false,
                    parallelism,
                    &mut scratch,
                );
                assert_eq!(out, expected, "{rows} rows");
                linear(
                    &input,
                    &weight,
                    &bias,
                    &mut out,
                    true,
                    parallelism,
                    &mut scratch,
                );
                let doubled: Vec<f32> = expected.iter().map(|x| 2.0 * x).collect();
                assert_eq!(out, doubled, "{rows} rows, accumulated");
            }
        }
    }

    #[test]
    fn dequantize_reads_low_nibbles_then_high_nibbles() {
        let matrix = half_steps(2, 32, |row, column| ((row + column) % 16) as u8);
        let mut out = vec![0.0; 32];
        matrix.dequantize_rows(1, &mut out);
        let expected: Vec<f32> = (0..32)
            .map(|c| (((1 + c) % 16) as f32 - 8.0) / 2.0)
            .collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn attention_products_read_strided_head_views() {
        // Two rows of a fused buffer, 4 values wide; the head is columns 1..3 of each row.
        let fused = [0.0, 1.0, 2.0, 9.0, 0.0, 3.0, 4.0, 9.0];
        let head = View {
            offset: 1,
            rows: 2,
            cols: 2,
            stride: 4,
        };
        let mut scores_out = [0.0; 4];
        scores(&fused, head, &fused, head, 0.5, &mut scores_out);
        // [[1,2],[3,4]] · its transpose, halved.
        assert_eq!(scores_out, [2.5, 5.5, 5.5, 12.5]);

        let mut out = [7.0; 6];
        let target = View {
            offset: 1,
            rows: 2,
            cols: 2,
            stride: 3,
        };
        context(&[1.0, 0.0, 0.0, 1.0], &fused, head, &mut out, target);
        // The identity times the head's rows, written into columns 1..3; column 0 untouched.
        assert_eq!(out, [7.0, 1.0, 2.0, 7.0, 3.0, 4.0]);
    }

    #[test]
    #[should_panic(expected = "does not fit")]
    fn a_view_past_its_buffer_is_refused() {
        let fused = [0.0; 7];
        let head = View {
            offset: 1,
            rows: 2,
            cols: 3,
            stride: 4,
        };
        scores(&fused, head, &fused, head, 1.0, &mut [0.0; 4]);
    }

    #[test]
    fn softmax_and_layer_norm_of_known_rows() {
        let mut rows = [0.0, 0.0, f32::ln(2.0), 1.0, 1.0, 1.0];
        softmax_rows(&mut rows, 3);
        for (got, want) in rows
            .iter()
            .zip([0.25, 0.25, 0.5, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0])
        {
            assert!((got - want).abs() < 1e-6, "{rows:?}");
        }
        let mut row = [1.0, 3.0];
        layer_norm(&mut row, &[2.0, 2.0], &[1.0, 1.0], 0.0);
        assert_eq!(row, [-1.0, 3.0]);
    }
}
