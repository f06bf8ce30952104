//! How faithful a picture is to its direction (after Geirhos et al., "Don't trust your eyes",
//! ICML 2024): a feature visualization can look meaningful and still say little about what the
//! direction does on photos. Two numbers per picture, both at the picture's strongest position,
//! the statistic the dataset examples rank crops by:
//! - the *response ratio*: the picture's projection on the direction over the best pool crop's.
//!   Far above 1 is the usual (the picture is out of the photos' distribution); below 1 means the
//!   optimization did not reach what real photos already do.
//! - the *specificity*: the cosine between the picture's activation vector there and the
//!   direction. A random direction's objective can be won by inflating one high-variance channel
//!   that merely leans toward it; the cosine says how much of the picture's activation is the
//!   direction at all. Positions that respond nearly as strongly share in it (a soft maximum,
//!   [`NEAR_STRONGEST`]): where two positions all but tie, which one is strongest is decided by
//!   the last bits of the floats, which differ between the browser and a native build, and the
//!   cosine must not jump with them.

use basis_recipe::{Recipe, RecipeError};

use crate::direction;
use crate::examples::{self, Example};
use crate::pool::Activations;

/// The soft maximum's width, relative to the strongest response: a position 2% weaker shares in
/// the specificity with weight e⁻¹, one 10% weaker with e⁻⁵. Nearly tied positions (under 0.1%
/// apart in 1 of 32 pictures measured at 64 px and 4 steps) count alike, while a picture whose
/// strongest position stands out is measured there alone.
pub const NEAR_STRONGEST: f32 = 0.02;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fidelity {
    /// ⟨a, d⟩ at the picture's strongest position (0 when the picture is silent there).
    pub response: f32,
    /// cos(a, d) there, with nearly as strong positions sharing in it ([`NEAR_STRONGEST`]; 0
    /// where the activation vector is 0).
    pub specificity: f32,
    /// The pool crop that responds most, at its strongest position; `None` when every crop is
    /// silent or the pool is empty.
    pub best_photo: Option<Example>,
    /// `response / best_photo.value`, when the best photo responds above 0.
    pub ratio: Option<f32>,
}

/// The fidelity of the picture whose activations at the tap are `picture` (one image) against
/// the pool's at the same tap, for the unit vector `direction` (already signed: a recipe that
/// minimizes passes −d).
pub fn measure(picture: &Activations, pool: &Activations, direction: &[f32]) -> Fidelity {
    debug_assert_eq!(picture.crops, 1, "one picture");
    measure_each(picture, pool, direction).remove(0)
}

/// [`measure`] for each of several pictures of one direction (a predict round's references),
/// ranking the pool once for all of them.
pub fn measure_each(
    pictures: &Activations,
    pool: &Activations,
    direction: &[f32],
) -> Vec<Fidelity> {
    let best_photo = examples::top_and_bottom(pool, direction, 1)
        .top
        .first()
        .copied();
    // Each picture's strongest position; a silent picture has none.
    let mut strongest = vec![None; pictures.crops];
    for e in examples::top_and_bottom(pictures, direction, pictures.crops).top {
        strongest[e.crop] = Some(e);
    }
    strongest
        .into_iter()
        .map(|e| {
            let (response, specificity) = e.map_or((0.0, 0.0), |e| {
                let positions = pictures.grid * pictures.grid * pictures.channels;
                let crop = &pictures.values[e.crop * positions..(e.crop + 1) * positions];
                (
                    e.value,
                    specificity(crop, pictures.channels, direction, e.value),
                )
            });
            let ratio = best_photo
                .filter(|best| best.value > 0.0)
                .map(|best| response / best.value);
            Fidelity {
                response,
                specificity,
                best_photo,
                ratio,
            }
        })
        .collect()
}

/// One arm's pictures (a sheet's neurons, say): how many, and the medians of their response
/// ratios and specificities, so a class sees whether one arm's pictures are simply less faithful.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArmSummary {
    pub pictures: usize,
    /// Over the pictures that have a ratio (a silent pool gives none); `None` when none has.
    pub median_ratio: Option<f32>,
    pub median_specificity: Option<f32>,
}

pub fn summarize(pictures: &[Fidelity]) -> ArmSummary {
    ArmSummary {
        pictures: pictures.len(),
        median_ratio: median(pictures.iter().filter_map(|f| f.ratio).collect()),
        median_specificity: median(pictures.iter().map(|f| f.specificity).collect()),
    }
}

fn median(mut values: Vec<f32>) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The direction `recipe`'s picture was optimized to excite: −d for a recipe that minimizes.
pub fn optimized_direction(recipe: &Recipe, target: &[f64]) -> Result<Vec<f32>, RecipeError> {
    let d = direction::of_recipe(recipe, target)?;
    Ok(if recipe.negative {
        d.into_iter().map(|v| -v).collect()
    } else {
        d
    })
}

/// The cosine between each position's activation vector (`crop`: positions × `channels`) and
/// `d`, averaged with weights exp((r − strongest) / (NEAR_STRONGEST·|strongest|)) over the
/// positions' responses r = ⟨a, d⟩: continuous in the activations, unlike the cosine at the
/// single strongest position.
fn specificity(crop: &[f32], channels: usize, d: &[f32], strongest: f32) -> f32 {
    if strongest == 0.0 {
        // Every position's cosine with d is then at most 0, and the strongest one's is 0.
        return 0.0;
    }
    // At least the smallest normal float: a vanishing response weighs its strongest position
    // alone rather than dividing 0 by 0.
    let width = (NEAR_STRONGEST * strongest.abs()).max(f32::MIN_POSITIVE);
    let (weighted, total) = crop
        .chunks_exact(channels)
        .fold((0.0, 0.0), |(weighted, total), a| {
            let response: f32 = a.iter().zip(d).map(|(x, y)| x * y).sum();
            let w = ((response - strongest) / width).exp();
            (weighted + w * cosine(a, d), total + w)
        });
    weighted / total
}

fn cosine(a: &[f32], d: &[f32]) -> f32 {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (na, nd) = (norm(a), norm(d));
    if na == 0.0 || nd == 0.0 {
        return 0.0;
    }
    a.iter().zip(d).map(|(x, y)| x * y).sum::<f32>() / (na * nd)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy network of one 1×1 convolution and a ReLU: each output channel reads one colour
    /// and is inhibited by the other two.
    const WEIGHTS: [[f32; 3]; 3] = [[1.0, -1.0, -1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]];

    fn toy(pixels: &[[f32; 3]], grid: usize) -> Activations {
        let values = pixels
            .iter()
            .flat_map(|p| WEIGHTS.map(|w| (w[0] * p[0] + w[1] * p[1] + w[2] * p[2]).max(0.0)))
            .collect();
        Activations {
            channels: 3,
            grid,
            crops: pixels.len() / (grid * grid),
            values,
        }
    }

    /// The uniform picture (pixels in [0, 1], 11 levels) that maximizes ⟨a, d⟩, found by trying
    /// every colour: on a 1×1 network a picture's best is the same colour everywhere.
    fn best_picture(d: &[f32]) -> [f32; 3] {
        let levels = (0..=10).map(|i| i as f32 / 10.0);
        let mut best = ([0.0; 3], f32::NEG_INFINITY);
        for r in levels.clone() {
            for g in levels.clone() {
                for b in levels.clone() {
                    let a = toy(&[[r, g, b]], 1).values;
                    let value: f32 = a.iter().zip(d).map(|(x, y)| x * y).sum();
                    if value > best.1 {
                        best = ([r, g, b], value);
                    }
                }
            }
        }
        best.0
    }

    fn photos() -> Activations {
        // Two 2 × 2 "photos": a dull one and one with a half-saturated orange.
        toy(
            &[
                [0.3, 0.3, 0.3],
                [0.4, 0.3, 0.2],
                [0.2, 0.2, 0.2],
                [0.1, 0.3, 0.2],
                [0.6, 0.1, 0.0],
                [0.8, 0.5, 0.1],
                [0.5, 0.5, 0.5],
                [0.0, 0.0, 0.4],
            ],
            2,
        )
    }

    #[test]
    fn a_neurons_best_picture_on_a_toy_1x1_network_is_fully_specific() {
        for channel in 0..3 {
            let mut d = vec![0.0; 3];
            d[channel] = 1.0;
            let picture = toy(&[best_picture(&d); 4], 2);
            let fidelity = measure(&picture, &photos(), &d);
            assert_eq!(fidelity.specificity, 1.0, "channel {channel}");
            assert_eq!(fidelity.response, 1.0);
        }
    }

    #[test]
    fn a_direction_between_neurons_is_reached_by_a_picture_that_is_not_specific() {
        // Between channels 0 and 1: no colour excites both (each inhibits the other), so the
        // best picture excites one of them, at 45° from the direction.
        let d = [
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
            0.0,
        ];
        let picture = toy(&[best_picture(&d)], 1);
        let fidelity = measure(&picture, &photos(), &d);
        assert!((fidelity.specificity - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    /// One 2 × 2 picture of two channels: positions as given, the rest silent.
    fn positions(a: [f32; 2], b: [f32; 2]) -> Activations {
        Activations {
            channels: 2,
            grid: 2,
            crops: 1,
            values: [a, b, [0.0; 2], [0.0; 2]].concat(),
        }
    }

    #[test]
    fn nearly_tied_positions_share_the_specificity_and_float_noise_does_not_move_it() {
        let d = [1.0, 0.0];
        // Responses 1 and 1 ± 1e-6, cosines 1 and 1/√2: whichever is stronger by a hair, both
        // count alike.
        let halfway = (1.0 + std::f32::consts::FRAC_1_SQRT_2) / 2.0;
        for hair in [1e-6, -1e-6] {
            let picture = positions([1.0, 0.0], [1.0 + hair, 1.0 + hair]);
            let specificity = measure(&picture, &photos_of_two_channels(), &d).specificity;
            assert!(
                (specificity - halfway).abs() < 1e-4,
                "{hair}: {specificity}"
            );
        }
    }

    #[test]
    fn a_clearly_weaker_position_does_not_share_the_specificity() {
        let d = [1.0, 0.0];
        // 20% weaker: weight e⁻¹⁰.
        let picture = positions([1.0, 0.0], [0.8, 0.8]);
        let specificity = measure(&picture, &photos_of_two_channels(), &d).specificity;
        assert!((specificity - 1.0).abs() < 1e-4, "{specificity}");
    }

    #[test]
    fn a_vanishing_response_has_no_specificity_rather_than_nan() {
        // 0.02 × 1e-44 underflows to 0 (0 / 0 in the weights), and so does the activation's
        // squared norm (the cosine's 0 for a zero vector).
        let picture = positions([1e-44, 0.0], [0.0, 1.0]);
        let fidelity = measure(&picture, &photos_of_two_channels(), &[1.0, 0.0]);
        assert_eq!(fidelity.specificity, 0.0);
    }

    fn photos_of_two_channels() -> Activations {
        positions([0.5, 0.0], [0.0, 0.5])
    }

    #[test]
    fn the_ratio_is_over_the_best_crop_at_its_strongest_position() {
        let d = [1.0, 0.0, 0.0];
        let fidelity = measure(&toy(&[[1.0, 0.0, 0.0]], 1), &photos(), &d);
        // The second photo's orange (0.8, 0.5, 0.1) → red channel 0.8 − 0.5 − 0.1 = 0.2 is less
        // than its (0.6, 0.1, 0) → 0.5: crop 1, row 0, column 0.
        let best = fidelity.best_photo.unwrap();
        assert_eq!((best.crop, best.row, best.column), (1, 0, 0));
        assert!((best.value - 0.5).abs() < 1e-6);
        assert!((fidelity.ratio.unwrap() - 2.0).abs() < 1e-5);
    }

    #[test]
    fn several_pictures_measure_as_each_alone() {
        let d = [0.6, 0.8, 0.0];
        // Three 2 × 2 pictures, the last one silent.
        let pictures = [
            [
                [0.1, 0.0, 0.0],
                [1.0, 0.0, 0.0],
                [0.3, 0.2, 0.0],
                [0.0, 0.5, 0.9],
            ],
            [
                [0.2, 0.9, 0.1],
                [0.0, 0.0, 0.0],
                [0.7, 0.1, 0.2],
                [0.0, 0.6, 0.1],
            ],
            [[0.0, 0.0, 0.0]; 4],
        ];
        let together = measure_each(&toy(pictures.as_flattened(), 2), &photos(), &d);
        let alone: Vec<Fidelity> = pictures
            .iter()
            .map(|p| measure(&toy(p, 2), &photos(), &d))
            .collect();
        assert_eq!(together, alone);
        assert_eq!((together[2].response, together[2].specificity), (0.0, 0.0));
    }

    #[test]
    fn an_arms_medians_skip_missing_ratios() {
        let f = |ratio: Option<f32>, specificity: f32| Fidelity {
            response: 1.0,
            specificity,
            best_photo: None,
            ratio,
        };
        let arm = [f(Some(4.0), 0.9), f(None, 0.1), f(Some(2.0), 0.5)];
        assert_eq!(
            summarize(&arm),
            ArmSummary {
                pictures: 3,
                median_ratio: Some(3.0),
                median_specificity: Some(0.5),
            }
        );
        assert_eq!(
            summarize(&[]),
            ArmSummary {
                pictures: 0,
                median_ratio: None,
                median_specificity: None,
            }
        );
    }

    #[test]
    fn silent_pictures_and_pools_give_zeros_and_no_ratio() {
        let d = [0.0, 0.0, 1.0];
        let dark = toy(&[[0.0, 0.0, 0.0]], 1);
        let fidelity = measure(&dark, &toy(&[[0.5, 0.5, 0.5]], 1), &d);
        assert_eq!(
            fidelity,
            Fidelity {
                response: 0.0,
                specificity: 0.0,
                best_photo: None,
                ratio: None,
            }
        );
    }
}
