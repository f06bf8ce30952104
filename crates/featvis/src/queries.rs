//! The two photo crops of a predict-the-response round (Borowski et al. 2021): the pool's crops
//! ranked by a direction's spatial-mean response — Borowski's measure — one drawn among the
//! strongest, one among the weakest.

use crate::pool::Activations;

/// The smallest difference between a round's two responses, as a fraction of the spread of the
/// eligible crops' responses. Closer pairs are ties nobody could call, and at ReLU6 taps many
/// crops answer exactly 0.
pub const MIN_GAP: f32 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queries {
    /// Index into the pool's crops.
    pub strong: usize,
    pub weak: usize,
    /// Their mean responses.
    pub strong_value: f32,
    pub weak_value: f32,
    /// The gap the two responses had to clear ([`MIN_GAP`] of the spread).
    pub min_gap: f32,
}

/// Each crop's response to `direction`: ⟨a, d⟩ averaged over the crop's positions.
pub fn mean_responses(acts: &Activations, direction: &[f32]) -> Vec<f32> {
    let per_crop = acts.grid * acts.grid;
    acts.values
        .chunks_exact(acts.channels * per_crop)
        .map(|crop| {
            let sum: f32 = crop
                .chunks_exact(acts.channels)
                .map(|a| a.iter().zip(direction).map(|(x, d)| x * d).sum::<f32>())
                .sum();
            sum / per_crop as f32
        })
        .collect()
}

/// Among the first `eligible` crops (the shipped photos: a user's own come after them and would
/// give each student other crops), the `strong_rank`-th strongest and the `weak_rank`-th weakest
/// (0 = the extreme one), ties going to the lower crop index. Where those two are one crop or
/// their responses are closer than [`MIN_GAP`] of the spread, both ranks step towards their
/// extremes until the pair is two crops that clear it. `None` if even the strongest and the
/// weakest crop do not.
pub fn queries(
    acts: &Activations,
    direction: &[f32],
    eligible: usize,
    strong_rank: usize,
    weak_rank: usize,
) -> Option<Queries> {
    let responses = mean_responses(acts, direction);
    let mut order: Vec<usize> = (0..eligible.min(responses.len())).collect();
    order.sort_by(|&a, &b| responses[b].total_cmp(&responses[a]).then(a.cmp(&b)));
    let (first, last) = (*order.first()?, *order.last()?);
    let min_gap = MIN_GAP * (responses[first] - responses[last]);
    let (mut s, mut w) = (strong_rank, weak_rank);
    loop {
        if s + w + 1 < order.len() {
            let (strong, weak) = (order[s], order[order.len() - 1 - w]);
            let gap = responses[strong] - responses[weak];
            if gap > 0.0 && gap >= min_gap {
                return Some(Queries {
                    strong,
                    weak,
                    strong_value: responses[strong],
                    weak_value: responses[weak],
                    min_gap,
                });
            }
        }
        if s == 0 && w == 0 {
            return None;
        }
        s = s.saturating_sub(1);
        w = w.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5 crops of a 2 × 2 grid with 2 channels; crop i's positions hold (i, −i) and zeros, except
    /// crop 4, which repeats crop 1.
    fn acts() -> Activations {
        let mut values = Vec::new();
        for crop in [0.0, 1.0, 2.0, 3.0, 1.0f32] {
            values.extend([crop, -crop, 0.0, 0.0, crop, 0.0, 0.0, 0.0]);
        }
        Activations {
            channels: 2,
            grid: 2,
            crops: 5,
            values,
        }
    }

    #[test]
    fn responses_are_spatial_means_of_the_projection() {
        assert_eq!(
            mean_responses(&acts(), &[1.0, 0.0]),
            vec![0.0, 0.5, 1.0, 1.5, 0.5]
        );
        assert_eq!(
            mean_responses(&acts(), &[0.0, 1.0]),
            vec![0.0, -0.25, -0.5, -0.75, -0.25]
        );
    }

    #[test]
    fn queries_take_ranks_from_both_ends_of_the_eligible_crops() {
        let q = |eligible, strong, weak| queries(&acts(), &[1.0, 0.0], eligible, strong, weak);
        let pick = |q: Option<Queries>| q.map(|q| (q.strong, q.weak));
        assert_eq!(pick(q(5, 0, 0)), Some((3, 0)));
        // Crops 1 and 4 tie: the lower index ranks as the stronger, from either end.
        assert_eq!(pick(q(5, 1, 1)), Some((2, 4)));
        // Ranks 2 and 2 of 5 are one crop: both step towards their ends.
        assert_eq!(pick(q(5, 2, 2)), Some((2, 4)));
        assert_eq!(pick(q(5, 3, 0)), Some((4, 0)));
        // The user's crop (index 4) is not eligible.
        assert_eq!(pick(q(4, 0, 0)), Some((3, 0)));
        assert_eq!(pick(q(2, 1, 1)), Some((1, 0)));
        assert_eq!(pick(q(1, 0, 0)), None);
        let both = q(5, 0, 0).unwrap();
        assert_eq!((both.strong_value, both.weak_value), (1.5, 0.0));
        assert_eq!(both.min_gap, MIN_GAP * 1.5);
    }

    #[test]
    fn a_pair_that_ties_is_never_drawn() {
        // Responses 0, 0, 0, 1.03, 1: a ReLU6 neuron silent on three crops.
        let mut values = Vec::new();
        for response in [0.0, 0.0, 0.0, 1.03, 1.0f32] {
            values.extend([response; 4]);
        }
        let acts = Activations {
            channels: 1,
            grid: 2,
            crops: 5,
            values,
        };
        let pick = |s, w| queries(&acts, &[1.0], 5, s, w).map(|q| (q.strong, q.weak));
        // Ranks 2 and 1 pair two silent crops; one step out pairs crop 4 with a zero.
        assert_eq!(pick(2, 1), Some((4, 2)));
        assert_eq!(pick(0, 0), Some((3, 2)));
        let flat = Activations {
            values: vec![0.5; 20],
            ..acts
        };
        assert_eq!(queries(&flat, &[1.0], 5, 0, 0), None);
    }
}
