//! What a recipe's slider turns toward, for every command: a random direction, one the network
//! reads or writes (from its weights), or one learned from the shipped photos (ICA on the data
//! folder's photos/, never on `--photos`: a link's learned direction is the same everywhere).

use std::path::Path;

use anyhow::{Context, Result};
use basis_featvis::{direction, learned};
use basis_models::EfficientNetLite;
use basis_recipe::{Recipe, Toward};
use burn::tensor::Device;

use crate::files::DataDir;
use crate::photo::read_pool;

/// The unit vector `recipe`'s slider turns its neuron toward (t = 1).
pub fn target(
    recipe: &Recipe,
    model: &EfficientNetLite,
    device: &Device,
    data: Option<&Path>,
) -> Result<Vec<f64>> {
    if !matches!(recipe.toward, Toward::Learned(_)) {
        return Ok(pollster::block_on(direction::target(recipe, model))?);
    }
    let learned = learn(recipe, model, device, data)?;
    Ok(learned.target(recipe)?)
}

/// What each of `recipes` (all of one layer: a sheet's tiles) turns toward; the learned
/// directions are learned once for all.
pub fn of_all(
    recipes: &[Recipe],
    model: &EfficientNetLite,
    device: &Device,
    data: Option<&Path>,
) -> Result<Vec<Vec<f64>>> {
    let learns = recipes
        .iter()
        .find(|r| matches!(r.toward, Toward::Learned(_)));
    let learned = learns
        .map(|recipe| learn(recipe, model, device, data))
        .transpose()?;
    recipes
        .iter()
        .map(|recipe| match (&learned, recipe.toward) {
            (Some(learned), Toward::Learned(_)) => Ok(learned.target(recipe)?),
            _ => Ok(pollster::block_on(direction::target(recipe, model))?),
        })
        .collect()
}

/// The directions learned at `recipe`'s layer from the shipped photos.
pub fn learn(
    recipe: &Recipe,
    model: &EfficientNetLite,
    device: &Device,
    data: Option<&Path>,
) -> Result<learned::Learned> {
    let dir = DataDir::locate(data)?.photos_dir();
    let photos: Vec<image::RgbImage> = read_pool(&dir)?
        .into_iter()
        .map(|(_, image)| image)
        .collect();
    pollster::block_on(learned::learn(model, device, recipe.tap()?, &photos)).with_context(|| {
        format!(
            "learning directions at {} from {}",
            recipe.layer,
            dir.display()
        )
    })
}
