//! From per-token hidden states to one unit vector per text, as sentence-transformers does.

use candle_core::{DType, Tensor};

/// Mean of the hidden states of real tokens (padding excluded), scaled to unit L2 length.
///
/// `hidden` is `[batch, len, width]`, `mask` is `[batch, len]` with 1 for real tokens. The clamps
/// are sentence-transformers' own (1e-9 tokens, 1e-12 norm), so an input without tokens gives a
/// zero vector instead of NaNs.
pub(crate) fn mean_pool_normalised(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let weights = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&weights)?.sum(1)?;
    let counts = weights.sum(1)?.clamp(1e-9f32, f32::MAX)?;
    let mean = summed.broadcast_div(&counts)?;
    let norms = mean
        .sqr()?
        .sum_keepdim(1)?
        .sqrt()?
        .clamp(1e-12f32, f32::MAX)?;
    mean.broadcast_div(&norms)
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::*;

    #[test]
    fn ignores_padding_and_normalises() {
        // Two texts: the first has tokens [3,4] and [100,100] padding, the second one token [0,2].
        let hidden = Tensor::new(
            &[[[3f32, 4.], [100., 100.]], [[0., 2.], [-7., 9.]]],
            &Device::Cpu,
        )
        .expect("tensor");
        let mask = Tensor::new(&[[1u32, 0], [1, 0]], &Device::Cpu).expect("tensor");
        let pooled = mean_pool_normalised(&hidden, &mask)
            .expect("pooling")
            .to_vec2::<f32>()
            .expect("f32");
        assert_eq!(pooled, vec![vec![0.6, 0.8], vec![0.0, 1.0]]);
    }

    #[test]
    fn averages_before_normalising() {
        let hidden = Tensor::new(&[[[1f32, 0.], [0., 3.]]], &Device::Cpu).expect("tensor");
        let mask = Tensor::new(&[[1u32, 1]], &Device::Cpu).expect("tensor");
        let pooled = mean_pool_normalised(&hidden, &mask)
            .expect("pooling")
            .to_vec2::<f32>()
            .expect("f32");
        let norm = (0.5f32 * 0.5 + 1.5 * 1.5).sqrt();
        assert_eq!(pooled, vec![vec![0.5 / norm, 1.5 / norm]]);
    }

    #[test]
    fn no_tokens_gives_zero_vector() {
        let hidden = Tensor::new(&[[[5f32, 5.]]], &Device::Cpu).expect("tensor");
        let mask = Tensor::new(&[[0u32]], &Device::Cpu).expect("tensor");
        let pooled = mean_pool_normalised(&hidden, &mask)
            .expect("pooling")
            .to_vec2::<f32>()
            .expect("f32");
        assert_eq!(pooled, vec![vec![0.0, 0.0]]);
    }
}
