//! The flags that make a recipe, shared by `render` and `bench`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use basis_featvis::Session;
use basis_models::EfficientNetLite0;
use basis_recipe::{Parametrization, Recipe, RecipeError};
use burn::tensor::Device;

use crate::backend::{Backend, Compute};
use crate::files::{self, DataDir};

#[derive(clap::Args, Debug)]
pub struct RecipeArgs {
    /// A recipe string (a permalink's fragment); excludes the flags below.
    #[arg(long, conflicts_with_all = ["layer", "channel", "mix", "seed", "cos_power", "size", "steps", "negative", "centre", "pixel"])]
    pub recipe: Option<String>,
    /// Layer name, as `basis layers` lists.
    #[arg(long)]
    pub layer: Option<String>,
    #[arg(long)]
    pub channel: Option<u32>,
    /// 0 = the neuron's direction, 1 = a random direction, in between = slerp.
    #[arg(long)]
    pub mix: Option<f32>,
    /// Seed of the random direction, the starting noise and the transforms.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Exponent p in dot(a, d)·cos(a, d)^p.
    #[arg(long)]
    pub cos_power: Option<f32>,
    /// Image width and height in pixels.
    #[arg(long)]
    pub size: Option<usize>,
    #[arg(long)]
    pub steps: Option<u32>,
    /// Minimize the direction instead of maximizing it.
    #[arg(long)]
    pub negative: bool,
    /// Only the centre position counts (a neuron objective) instead of the mean over positions.
    #[arg(long)]
    pub centre: bool,
    /// Optimize pixels directly instead of a Fourier spectrum.
    #[arg(long)]
    pub pixel: bool,
    #[command(flatten)]
    pub compute: Compute,
    /// Weights file made by `basis setup-weights` (default: the data folder's).
    #[arg(long)]
    pub weights: Option<PathBuf>,
}

/// What a compute command needs: the validated recipe and the network on an autodiff device.
pub struct Prepared {
    pub recipe: Recipe,
    pub model: EfficientNetLite0,
    pub device: Device,
}

impl Prepared {
    /// A fresh optimization of the recipe, from noise.
    pub fn start(self) -> Result<(Recipe, Session)> {
        let Prepared {
            recipe,
            model,
            device,
        } = self;
        let session = Session::for_recipe(model, &device, &recipe)?;
        Ok((recipe, session))
    }
}

/// The network on an autodiff device, and the hash that recipes name its weights by.
pub struct Network {
    pub weights: String,
    pub model: EfficientNetLite0,
    pub device: Device,
}

impl Network {
    pub fn load(path: &Path, backend: Backend) -> Result<Self> {
        let bytes = files::read_weights(path)?;
        let weights = basis_models::weights_hash(&bytes);
        let device = backend.device()?.autodiff();
        let model = basis_models::load_weights(bytes, &device)
            .with_context(|| format!("loading {}", path.display()))?;
        Ok(Self {
            weights,
            model,
            device,
        })
    }
}

impl RecipeArgs {
    fn weights_path(&self, data: Option<&Path>) -> Result<PathBuf> {
        match &self.weights {
            Some(path) => Ok(path.clone()),
            None => Ok(DataDir::locate(data)?.weights()),
        }
    }

    pub fn prepare(&self, data: Option<&Path>) -> Result<Prepared> {
        let network = Network::load(&self.weights_path(data)?, self.compute.backend)?;
        Ok(Prepared {
            recipe: self.recipe(&network.weights)?,
            model: network.model,
            device: network.device,
        })
    }

    /// The recipe alone, for these weights; nothing is loaded onto a device.
    pub fn recipe_for_weights(&self, data: Option<&Path>) -> Result<Recipe> {
        let bytes = files::read_weights(&self.weights_path(data)?)?;
        self.recipe(&basis_models::weights_hash(&bytes))
    }

    fn recipe(&self, weights_hash: &str) -> Result<Recipe> {
        let recipe = match &self.recipe {
            Some(text) => Recipe::decode(text).context("bad --recipe")?,
            None => {
                let mut recipe = Recipe::new(weights_hash);
                if let Some(layer) = &self.layer {
                    recipe.layer = layer.clone();
                }
                recipe.channel = self.channel.unwrap_or(recipe.channel);
                recipe.mix = self.mix.unwrap_or(recipe.mix);
                recipe.seed = self.seed.unwrap_or(recipe.seed);
                recipe.cos_power = self.cos_power.unwrap_or(recipe.cos_power);
                recipe.image.size = self.size.unwrap_or(recipe.image.size);
                recipe.steps = self.steps.unwrap_or(recipe.steps);
                recipe.negative = self.negative;
                recipe.centre = self.centre;
                if self.pixel {
                    recipe.image.parametrization = Parametrization::Pixel;
                }
                recipe.validate().context("bad flags")?;
                recipe
            }
        };
        if recipe.weights != weights_hash {
            let error = RecipeError::WeightsMismatch {
                recipe: recipe.weights.clone(),
                loaded: weights_hash.to_owned(),
            };
            return Err(error).context("bad --recipe");
        }
        Ok(recipe)
    }
}
