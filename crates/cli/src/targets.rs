//! What a recipe's slider turns toward, for every command: a random direction, one the network
//! reads or writes (from its weights), or one learned from the shipped photos (ICA on the data
//! folder's photos/, never on `--photos`: a link's learned direction is the same everywhere).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use basis_featvis::{direction, learned};
use basis_models::EfficientNetLite;
use basis_recipe::{LearnedFrom, Recipe};
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
    Targets::new(model, device, data).of(recipe)
}

/// Resolves what recipes turn toward, learning each layer's directions (from all the photos or
/// from half of them) once however many recipes name them (ICA takes about a second a layer).
pub struct Targets<'a> {
    model: &'a EfficientNetLite,
    device: &'a Device,
    data: Option<&'a Path>,
    learned: HashMap<(String, LearnedFrom), learned::Learned>,
}

impl<'a> Targets<'a> {
    pub fn new(model: &'a EfficientNetLite, device: &'a Device, data: Option<&'a Path>) -> Self {
        Self {
            model,
            device,
            data,
            learned: HashMap::new(),
        }
    }

    /// What `recipe` turns toward.
    pub fn of(&mut self, recipe: &Recipe) -> Result<Vec<f64>> {
        let Some((from, _)) = recipe.toward.learned() else {
            return Ok(pollster::block_on(direction::target(recipe, self.model))?);
        };
        let key = (recipe.layer.clone(), from);
        if !self.learned.contains_key(&key) {
            let found = learn(recipe, from, self.model, self.device, self.data)?;
            self.learned.insert(key.clone(), found);
        }
        Ok(self.learned[&key].target(recipe)?)
    }

    /// What each of `recipes` turns toward, in order.
    pub fn of_all(&mut self, recipes: &[Recipe]) -> Result<Vec<Vec<f64>>> {
        recipes.iter().map(|recipe| self.of(recipe)).collect()
    }
}

/// The directions learned at `recipe`'s layer from `from`'s shipped photos.
fn learn(
    recipe: &Recipe,
    from: LearnedFrom,
    model: &EfficientNetLite,
    device: &Device,
    data: Option<&Path>,
) -> Result<learned::Learned> {
    let dir = DataDir::locate(data)?.photos_dir();
    let photos: Vec<image::RgbImage> = read_pool(&dir)?
        .into_iter()
        .map(|(_, image)| image)
        .collect();
    pollster::block_on(learned::learn(model, device, recipe.tap()?, from, &photos)).with_context(
        || {
            format!(
                "learning directions at {} from {}",
                recipe.layer,
                dir.display()
            )
        },
    )
}
