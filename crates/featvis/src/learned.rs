//! Directions learned from photos, by name: the ICA components (see [`crate::ica`]) of a tap's
//! activations on the shipped photo pool, heaviest-tailed first, so that `learned:K` means the
//! same direction wherever a link is opened. Only the shipped photos are used — never a user's —
//! and every crop, position draw and start is seeded, so the CLI and the page learn the same
//! directions from the same pixels (up to the last bits of their floats).

use basis_models::{EfficientNetLite, TapId};
use basis_recipe::{LEARNED_DIRECTIONS, Recipe, Toward};
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
    /// Unit vectors, heaviest-tailed first (at most [`LEARNED_DIRECTIONS`]).
    pub directions: Vec<Vec<f64>>,
    /// Each one's kurtosis on the photos it was learned from.
    pub kurtosis: Vec<f64>,
}

impl Learned {
    /// The direction `recipe`'s `learned:K` names.
    pub fn target(&self, recipe: &Recipe) -> Result<Vec<f64>, SessionError> {
        let Toward::Learned(k) = recipe.toward else {
            return Err(SessionError::NotLearned(recipe.toward.to_string()));
        };
        self.directions
            .get(k as usize)
            .cloned()
            .ok_or(SessionError::Unlearned {
                k: k as usize,
                found: self.directions.len(),
                layer: self.tap.name().to_owned(),
            })
    }
}

/// `tap`'s directions learned from `photos` (the shipped pool, in its file-name order), cut into
/// the pool's crops.
pub async fn learn(
    model: &EfficientNetLite,
    device: &Device,
    tap: TapId,
    photos: &[RgbImage],
) -> Result<Learned, SessionError> {
    let crops: Vec<RgbImage> = pool::crops(photos, CROPS_PER_PHOTO, pool::SEED)
        .into_iter()
        .map(|(_, image)| image)
        .collect();
    let acts = pool::activations(model, device, &crops, tap, |_| {}).await?;
    Ok(of_activations(&acts, tap)?)
}

/// The learned directions of activations at `tap` (`crops × positions × channels`).
pub fn of_activations(acts: &Activations, tap: TapId) -> Result<Learned, IcaError> {
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
        directions: ica.directions,
        kurtosis: ica.kurtosis,
    })
}
