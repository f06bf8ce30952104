//! Directions in a layer's activation space: a neuron's basis vector, what the slider turns it
//! toward (a seeded random unit vector, or at a linear block output a direction the network reads
//! or writes there), and the great-circle path between them that the app's slider walks.

use basis_models::EfficientNetLite;
use basis_recipe::{Recipe, RecipeError, Toward};
use burn::tensor::Tensor;

use crate::rng::SeededRng;
use crate::session::SessionError;

const DIRECTION_STREAM: u64 = 1;

/// The unit vector a recipe's direction projects on — slerp(e_channel, `target`, mix) — in the
/// network's floats. `target` is [`target`]'s answer for the recipe.
pub fn of_recipe(recipe: &Recipe, target: &[f64]) -> Result<Vec<f32>, RecipeError> {
    let tap = recipe.tap()?;
    debug_assert_eq!(target.len(), tap.channels());
    Ok(
        slerp_from_basis(recipe.channel as usize, target, recipe.mix as f64)
            .iter()
            .map(|&v| v as f32)
            .collect(),
    )
}

/// The unit vector `recipe`'s slider turns its neuron toward (t = 1): its seed's random
/// direction, or the network's own direction at the recipe's linear block output, read back from
/// `model`'s weights — the row with which a unit of the next 1×1 convolution reads the layer, or
/// the column of the block's projection in which a depthwise unit writes it.
pub async fn target(recipe: &Recipe, model: &EfficientNetLite) -> Result<Vec<f64>, SessionError> {
    recipe.validate()?;
    let tap = recipe.tap()?;
    let channels = tap.channels();
    let vector: Tensor<1> = match recipe.toward {
        Toward::Random => return Ok(random_unit(channels, recipe.seed)),
        Toward::Learned(_) | Toward::LearnedHalf(_) => {
            return Err(SessionError::NeedsPhotos(recipe.toward.to_string()));
        }
        Toward::Read(unit) => {
            let conv = model.reader(tap).expect("validated: a linear output");
            let unit = unit as usize;
            conv.weight
                .val()
                .slice([unit..unit + 1, 0..channels, 0..1, 0..1])
                .reshape([channels])
        }
        Toward::Write(unit) => {
            let conv = model.writer(tap).expect("validated: a linear output");
            let unit = unit as usize;
            conv.weight
                .val()
                .slice([0..channels, unit..unit + 1, 0..1, 0..1])
                .reshape([channels])
        }
    };
    let values: Vec<f64> = crate::session::read_floats(vector)
        .await?
        .iter()
        .map(|&v| v as f64)
        .collect();
    let length = norm(&values);
    if length == 0.0 || !length.is_finite() {
        return Err(SessionError::ZeroDirection(recipe.toward.to_string()));
    }
    Ok(scale(&values, 1.0 / length))
}

/// [`target`] without the network, for a recipe that turns toward its seed's random direction;
/// `None` for one that turns toward the network's own (or names no layer).
pub fn random_target(recipe: &Recipe) -> Option<Vec<f64>> {
    let tap = recipe.tap().ok()?;
    (recipe.toward == Toward::Random).then(|| random_unit(tap.channels(), recipe.seed))
}

/// Degrees between slerp(e_channel, `target`, t) and the neuron's own axis: t times the angle
/// between the neuron and the target.
pub fn angle_to_neuron(channel: usize, target: &[f64], t: f64) -> f64 {
    let d = slerp_from_basis(channel, target, t);
    libm::acos(d[channel].clamp(-1.0, 1.0)).to_degrees()
}

/// `e_channel` in a space of `channels` dimensions.
pub fn basis(channels: usize, channel: usize) -> Vec<f64> {
    let mut e = vec![0.0; channels];
    e[channel] = 1.0;
    e
}

/// A uniformly random unit vector: normalized i.i.d. Gaussians drawn from `seed`.
pub fn random_unit(channels: usize, seed: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, DIRECTION_STREAM);
    let v: Vec<f64> = (0..channels).map(|_| rng.normal()).collect();
    scale(&v, 1.0 / norm(&v))
}

/// Spherical interpolation from `e_channel` (t = 0) to the seed's random vector (t = 1); unit
/// norm for every t, and the angle to the neuron grows linearly with t.
pub fn mix(channels: usize, channel: usize, seed: u64, t: f64) -> Vec<f64> {
    slerp_from_basis(channel, &random_unit(channels, seed), t)
}

/// Spherical interpolation from `e_channel` (t = 0) to the unit vector `to` (t = 1).
pub fn slerp_from_basis(channel: usize, to: &[f64], t: f64) -> Vec<f64> {
    let from = basis(to.len(), channel);
    let omega = libm::acos(dot(&from, to).clamp(-1.0, 1.0));
    let sin_omega = libm::sin(omega);
    let mixed: Vec<f64> = if sin_omega < 1e-9 {
        // The endpoints (anti)coincide and any great circle joins them; a straight line is as good.
        from.iter()
            .zip(to)
            .map(|(a, b)| (1.0 - t) * a + t * b)
            .collect()
    } else {
        let (wa, wb) = (
            libm::sin((1.0 - t) * omega) / sin_omega,
            libm::sin(t * omega) / sin_omega,
        );
        from.iter().zip(to).map(|(a, b)| wa * a + wb * b).collect()
    };
    scale(&mixed, 1.0 / norm(&mixed))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(v: &[f64]) -> f64 {
    libm::sqrt(dot(v, v))
}

fn scale(v: &[f64], s: f64) -> Vec<f64> {
    v.iter().map(|x| x * s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PINNED_SEED0_DIM4: [u64; 4] = [
        13814806718515608354,
        4605842688214384929,
        4595946685035182710,
        4602332214553251076,
    ];

    #[test]
    fn endpoints_are_the_neuron_and_the_random_vector() {
        assert_eq!(mix(40, 3, 9, 0.0), basis(40, 3));
        let end = mix(40, 3, 9, 1.0);
        let random = random_unit(40, 9);
        assert!(end.iter().zip(&random).all(|(a, b)| (a - b).abs() < 1e-12));
    }

    #[test]
    fn every_mix_has_unit_norm_and_moves_monotonically_away() {
        let mut last_cos = 1.0 + 1e-12;
        for i in 0..=20 {
            let v = mix(112, 10, 42, i as f64 / 20.0);
            assert!((norm(&v) - 1.0).abs() < 1e-12);
            assert!(v[10] <= last_cos, "cos to the neuron must not grow");
            last_cos = v[10];
        }
    }

    #[test]
    fn random_vector_is_reproducible_from_its_seed() {
        assert_eq!(random_unit(192, 5), random_unit(192, 5));
        assert_ne!(random_unit(192, 5), random_unit(192, 6));
        // Pinned bits: a change in the generator breaks every permalink, so it must be deliberate.
        let bits: Vec<u64> = random_unit(4, 0).iter().map(|x| x.to_bits()).collect();
        assert_eq!(bits, PINNED_SEED0_DIM4);
    }
}
