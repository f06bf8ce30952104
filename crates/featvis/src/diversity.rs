//! Lucid's diversity objective (`objectives.diversity`): several images of one direction are
//! pushed apart by penalizing how alike their activations' Gram matrices (style, in Gatys et al.'s
//! sense) are, so a batch shows several faces of a direction instead of one picture four times.

use burn::tensor::Tensor;

/// Lucid's recipe: `objective − 1e2 · diversity` over a batch of 4.
pub const LUCID_WEIGHT: f32 = 1e2;
pub const LUCID_GROUP: usize = 4;
/// `tf.nn.l2_normalize`'s epsilon in Lucid.
const NORM_EPSILON: f32 = 1e-10;

/// Consecutive images of a batch form groups of `group`; each group is one Lucid diversity batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diversity {
    pub weight: f32,
    pub group: usize,
}

impl Default for Diversity {
    fn default() -> Self {
        Self {
            weight: LUCID_WEIGHT,
            group: LUCID_GROUP,
        }
    }
}

impl Diversity {
    /// What the batch's summed objective loses: Lucid's per-group `weight · diversity`, scaled by
    /// the group size because Lucid averages the objective over the batch where Basis sums it
    /// (Adam does not see the overall scale, so the balance is Lucid's).
    pub fn penalty(&self, activations: Tensor<4>) -> Tensor<1> {
        similarity(activations, self.group).sum() * (self.weight * self.group as f32)
    }
}

/// Lucid's diversity of each group of `group` consecutive images in `[b, channels, h, w]`:
/// `(1/k) Σ_i Σ_{j≠i} ⟨G_i, G_j⟩` with `G_i = F_iᵀF_i` normalized to unit Frobenius norm — 0 for
/// images whose Grams are orthogonal, k − 1 for identical ones. `[b / group]`.
pub fn similarity(activations: Tensor<4>, group: usize) -> Tensor<1> {
    let [batch, channels, h, w] = activations.dims();
    assert!(
        group > 0 && batch % group == 0,
        "the batch splits into whole groups"
    );
    let features = activations.reshape([batch, channels, h * w]);
    let grams = features.clone().matmul(features.swap_dims(1, 2));
    let grams = grams.reshape([batch, channels * channels]);
    let norms = grams
        .clone()
        .square()
        .sum_dim(1)
        .clamp_min(NORM_EPSILON)
        .sqrt();
    let grams = grams / norms;
    let groups = batch / group;
    // Σ_{i≠j} ⟨g_i, g_j⟩ = ‖Σ_i g_i‖² − Σ_i ‖g_i‖².
    let own = grams
        .clone()
        .square()
        .sum_dim(1)
        .reshape([groups, group])
        .sum_dim(1);
    let total = grams
        .reshape([groups, group, channels * channels])
        .sum_dim(1)
        .square()
        .sum_dim(2)
        .reshape([groups, 1]);
    ((total - own) / group as f32).reshape([groups])
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    fn values(t: Tensor<1>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn identical_images_score_k_minus_one_and_orthogonal_ones_zero() {
        let device = Device::flex();
        // Two channels, two positions. Images 0–2 identical; image 3's Gram is orthogonal to theirs
        // (channel 0 only vs channel 1 only).
        let same = [1.0, 2.0, 0.0, 0.0];
        let other = [0.0, 0.0, 3.0, 1.0];
        let mut data = Vec::new();
        for image in [same, same, same, other] {
            data.extend_from_slice(&image);
        }
        let activations = Tensor::<4>::from_data(TensorData::new(data, [4, 2, 1, 2]), &device);
        let whole = values(similarity(activations.clone(), 4))[0];
        // Pairs among the three identical images: 3·2 ordered pairs of ⟨g, g⟩ = 1, over k = 4.
        assert!((whole - 6.0 / 4.0).abs() < 1e-6, "{whole}");
        let pairs = values(similarity(activations, 2));
        assert!(
            (pairs[0] - 1.0).abs() < 1e-6 && pairs[1].abs() < 1e-6,
            "{pairs:?}"
        );
    }

    #[test]
    fn the_penalty_is_lucids_weighted_diversity_per_image_scaled_to_a_sum() {
        let device = Device::flex();
        let activations =
            Tensor::<4>::from_data(TensorData::new(vec![1.0f32; 16], [2, 2, 2, 2]), &device);
        let diversity = Diversity {
            weight: 100.0,
            group: 2,
        };
        // Identical images: similarity 1 (k − 1), times weight 100, times the group of 2.
        assert_eq!(values(diversity.penalty(activations)), vec![200.0]);
    }
}
