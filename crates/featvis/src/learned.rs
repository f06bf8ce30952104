//! Directions learned from photos, by name: the ICA components (see [`crate::ica`]) of a tap's
//! activations on the shipped photo pool, heaviest-tailed first, so that `learned:K` means the
//! same direction wherever a link is opened. Only the shipped photos are used — never a user's —
//! and every crop, position draw and start is seeded, so the CLI and the page learn the same
//! directions from the same pixels (up to the last bits of their floats). `learned-half:K` is
//! learned from the pool's reference half alone ([`LearnedFrom::ReferenceHalf`]), for tests that
//! ask about the other half's photos.

use basis_models::{EfficientNetLite, TapId};
use basis_recipe::{LEARNED_DIRECTIONS, LearnedFrom, Recipe};
use burn::tensor::Device;
use image::RgbImage;

use crate::ica::{IcaError, fast_ica_restarting};
use crate::pool::{self, Activations, CROPS_PER_PHOTO};
use crate::privileged::positions_to_read;
use crate::session::SessionError;

/// Seeds the positions read and ICA's starts.
const SEED: u64 = 0;
/// Fresh starts for a component that does not settle: with one start, ICA stops after 1 component
/// at Lite0's block5.dw and 7 at block7.expand.
const RESTARTS: usize = 8;

/// The learned directions at one tap.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    pub tap: TapId,
    pub from: LearnedFrom,
    /// Unit vectors, heaviest-tailed first (at most [`LEARNED_DIRECTIONS`]).
    pub directions: Vec<Vec<f64>>,
    /// Each one's kurtosis on the photos it was learned from.
    pub kurtosis: Vec<f64>,
}

impl Learned {
    /// The direction `recipe`'s `learned:K` (or `learned-half:K`) names, if it is learned from
    /// these directions' photos.
    pub fn target(&self, recipe: &Recipe) -> Result<Vec<f64>, SessionError> {
        let k = match recipe.toward.learned() {
            Some((from, k)) if from == self.from => k,
            _ => return Err(SessionError::NotLearned(recipe.toward.to_string())),
        };
        self.directions
            .get(k as usize)
            .cloned()
            .ok_or_else(|| SessionError::Unlearned {
                toward: recipe.toward.to_string(),
                found: self.directions.len(),
                layer: self.tap.name().to_owned(),
            })
    }
}

/// `tap`'s directions learned from `from`'s photos of `photos` (the shipped pool, in its file-name
/// order), cut into the pool's crops: the very crops the pool has of them.
pub async fn learn(
    model: &EfficientNetLite,
    device: &Device,
    tap: TapId,
    from: LearnedFrom,
    photos: &[RgbImage],
) -> Result<Learned, SessionError> {
    let crops: Vec<RgbImage> = pool::crops(photos, CROPS_PER_PHOTO, pool::SEED)
        .into_iter()
        .filter(|(crop, _)| from.includes(crop.photo))
        .map(|(_, image)| image)
        .collect();
    let acts = pool::activations(model, device, &crops, tap, |_| {}).await?;
    Ok(of_activations(&acts, tap, from)?)
}

/// The learned directions of activations at `tap` (`crops × positions × channels`) of `from`'s
/// photos.
pub fn of_activations(
    acts: &Activations,
    tap: TapId,
    from: LearnedFrom,
) -> Result<Learned, IcaError> {
    let c = acts.channels;
    let per_crop = acts.positions() / acts.crops.max(1);
    let rows: Vec<f64> = positions_to_read(acts.crops, per_crop, c, SEED)
        .into_iter()
        .flat_map(|p| acts.values[p * c..(p + 1) * c].iter().map(|&v| v as f64))
        .collect();
    let components = (LEARNED_DIRECTIONS as usize).min(c);
    let fit = |components| fast_ica_restarting(&rows, c, components, SEED, RESTARTS);
    let ica = match fit(components) {
        Err(IcaError::Rank { rank }) if rank > 0 => fit(rank),
        other => other,
    }?;
    Ok(Learned {
        tap,
        from,
        directions: ica.directions,
        kurtosis: ica.kurtosis,
    })
}
