//! The flags that make a recipe, shared by `render` and `bench`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use basis_featvis::Session;
use basis_models::{EfficientNetLite, Network};
use basis_recipe::{Parametrization, Recipe, RecipeError, Start, Toward};
use burn::tensor::Device;

use crate::backend::{Backend, Compute};
use crate::files::{self, DataDir};

#[derive(clap::Args, Debug)]
pub struct RecipeArgs {
    /// A recipe string (a permalink's fragment); excludes the flags below.
    #[arg(long, conflicts_with_all = ["model", "layer", "channel", "mix", "toward", "start", "seed", "cos_power", "size", "steps", "negative", "centre", "pixel"])]
    pub recipe: Option<String>,
    #[command(flatten)]
    pub model: ModelArg,
    /// Layer name, as `basis layers` lists.
    #[arg(long)]
    pub layer: Option<String>,
    #[arg(long)]
    pub channel: Option<u32>,
    /// 0 = the neuron's direction, 1 = what it turns toward (--toward), in between = slerp.
    #[arg(long)]
    pub mix: Option<f32>,
    /// What --mix turns the neuron toward: `random` (the seed's), or at a linear block output
    /// `read:U` (how unit U of the next 1×1 convolution reads the layer) or `write:U` (where the
    /// block's depthwise unit U writes it), or at any layer `learned:K` (ICA direction K, by
    /// kurtosis, of the layer's activations on the data folder's photos) or `learned-half:K` (the
    /// same, learned from every other photo from the second: what predict tests ask about).
    #[arg(long, value_name = "random|read:U|write:U|learned:K|learned-half:K")]
    pub toward: Option<Toward>,
    /// Where the picture starts: `noise` (Lucid's), `photo:NAME` (a photo of the data folder's
    /// photos/, named in the link: feature accentuation) or `own` (the photo --own-photo names,
    /// which no link carries); `@P` sets the penalty that keeps the picture close to its photo
    /// (default 1000; see docs/science.md).
    #[arg(long, value_name = "noise|photo:NAME|own[@P]")]
    pub start: Option<Start>,
    /// The photo of a recipe that starts from `own`: JPEG, PNG or WebP.
    #[arg(long, value_name = "FILE")]
    pub own_photo: Option<PathBuf>,
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
    /// Weights file made by `basis setup-weights` (default: the data folder's for the network).
    #[arg(long)]
    pub weights: Option<PathBuf>,
}

/// Which network a command reads.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ModelArg {
    /// The network: lite0, lite1 or lite2 (or efficientnet-lite0, …).
    #[arg(long = "model", value_name = "NETWORK", default_value_t = Network::Lite0)]
    pub network: Network,
}

/// What a compute command needs: the validated recipe, the network on an autodiff device, what
/// the recipe's slider turns toward, and the photo the recipe starts from, if it starts from one.
pub struct Prepared {
    pub recipe: Recipe,
    pub model: EfficientNetLite,
    pub device: Device,
    pub target: Vec<f64>,
    pub photo: Option<image::RgbImage>,
}

impl Prepared {
    /// A fresh optimization of the recipe, from its noise or its photo.
    pub fn start(self) -> Result<(Recipe, Session)> {
        let Prepared {
            recipe,
            model,
            device,
            target,
            photo,
        } = self;
        let mut session = Session::for_targets(
            model,
            &device,
            std::slice::from_ref(&recipe),
            &[target],
            recipe.seed,
            None,
        )?;
        if let (Some(photo), Some(penalty)) = (photo, recipe.start.penalty()) {
            session.accentuate(0, &photo, penalty)?;
        }
        Ok((recipe, session))
    }
}

/// A network on an autodiff device, and the hash that recipes name its weights by.
pub struct Loaded {
    pub weights: String,
    pub model: EfficientNetLite,
    pub device: Device,
}

impl Loaded {
    /// The data folder's weights of `network`.
    pub fn from_data(data: Option<&Path>, network: Network, backend: Backend) -> Result<Self> {
        Self::load(network, &DataDir::locate(data)?.weights(network), backend)
    }

    pub fn load(network: Network, path: &Path, backend: Backend) -> Result<Self> {
        let bytes = files::read_weights(path)?;
        let weights = basis_models::weights_hash(&bytes);
        let device = backend.device()?.autodiff();
        let model = basis_models::load_weights(network, bytes, &device)
            .with_context(|| format!("loading {} as {network}", path.display()))?;
        Ok(Self {
            weights,
            model,
            device,
        })
    }
}

impl RecipeArgs {
    /// The network the recipe names, or `--model`'s.
    fn network(&self) -> Result<Network> {
        match &self.recipe {
            Some(text) => Ok(Recipe::decode(text).context("bad --recipe")?.network()?),
            None => Ok(self.model.network),
        }
    }

    fn weights_path(&self, network: Network, data: Option<&Path>) -> Result<PathBuf> {
        match &self.weights {
            Some(path) => Ok(path.clone()),
            None => Ok(DataDir::locate(data)?.weights(network)),
        }
    }

    pub fn prepare(&self, data: Option<&Path>) -> Result<Prepared> {
        let network = self.network()?;
        let path = self.weights_path(network, data)?;
        let loaded = Loaded::load(network, &path, self.compute.backend)?;
        let recipe = self.recipe(network, &loaded.weights)?;
        let photo = self.start_photo(&recipe, data)?;
        let target = crate::targets::target(&recipe, &loaded.model, &loaded.device, data)?;
        Ok(Prepared {
            recipe,
            model: loaded.model,
            device: loaded.device,
            target,
            photo,
        })
    }

    /// The photo `recipe` starts from: a pool photo from the data folder, or --own-photo.
    fn start_photo(&self, recipe: &Recipe, data: Option<&Path>) -> Result<Option<image::RgbImage>> {
        let path = match (&recipe.start, &self.own_photo) {
            (Start::Noise, None) => return Ok(None),
            (Start::Own { .. }, Some(path)) => path.clone(),
            (Start::Own { .. }, None) => anyhow::bail!(
                "the recipe starts from a photo of one's own, which links never carry: give yours with --own-photo FILE"
            ),
            (Start::Pool { photo, .. }, None) => {
                let dir = DataDir::locate(data)?.photos_dir();
                let path = dir.join(photo);
                if !path.is_file() {
                    anyhow::bail!(
                        "start: {photo} is not a photo of the pool in {} (its photos are what `basis setup-weights` put there)",
                        dir.display()
                    );
                }
                path
            }
            (_, Some(_)) => {
                anyhow::bail!(
                    "--own-photo is the photo of `--start own`; this recipe starts from {}",
                    recipe.start
                )
            }
        };
        Ok(Some(crate::photo::open(&path)?.to_rgb8()))
    }

    /// The recipe alone, for these weights; nothing is loaded onto a device.
    pub fn recipe_for_weights(&self, data: Option<&Path>) -> Result<Recipe> {
        let network = self.network()?;
        let bytes = files::read_weights(&self.weights_path(network, data)?)?;
        self.recipe(network, &basis_models::weights_hash(&bytes))
    }

    fn recipe(&self, network: Network, weights_hash: &str) -> Result<Recipe> {
        let recipe = match &self.recipe {
            Some(text) => Recipe::decode(text).context("bad --recipe")?,
            None => {
                let mut recipe = Recipe::for_network(network, weights_hash);
                if let Some(layer) = &self.layer {
                    recipe.layer = layer.clone();
                }
                recipe.channel = self.channel.unwrap_or(recipe.channel);
                recipe.mix = self.mix.unwrap_or(recipe.mix);
                recipe.toward = self.toward.unwrap_or(recipe.toward);
                recipe.start = self.start.clone().unwrap_or(recipe.start);
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
